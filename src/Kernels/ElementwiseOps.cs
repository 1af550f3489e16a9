namespace KernelGan.Kernels;

/// <summary>
/// Pointwise functions y = f(x; a, b). Parameters a and b are used only where noted; keeping the
/// scalar parameters in the op (instead of broadcasting a one-element tensor) means no tiny
/// host-to-device upload per call.
/// </summary>
public enum UnaryOp
{
    /// <summary>a*x + b (scale, shift, negate, 1-x).</summary>
    Affine,
    Exp,
    Log,
    Sqrt,
    Abs,
    Square,
    Reciprocal,
    Relu,
    /// <summary>x if x &gt; 0 else a*x.</summary>
    LeakyRelu,
    Sigmoid,
    Tanh,
    /// <summary>log(1 + exp(x)), computed without overflow.</summary>
    Softplus,
    /// <summary>min(max(x, a), b).</summary>
    Clamp,
    /// <summary>x^a (for positive x, or integer a).</summary>
    Pow,
}

/// <summary>Pointwise functions of two broadcast operands.</summary>
public enum BinaryOp
{
    Add,
    Sub,
    Mul,
    Div,
    /// <summary>min(a, b); the gradient goes to a where a &lt;= b, else to b.</summary>
    Min,
    /// <summary>max(a, b); the gradient goes to a where a &gt;= b, else to b.</summary>
    Max,
}

/// <summary>Shared scalar definitions of every pointwise op, so all backends agree on edge cases.</summary>
public static class Pointwise
{
    public static float Apply(UnaryOp op, float x, float a, float b) => op switch
    {
        UnaryOp.Affine => a * x + b,
        UnaryOp.Exp => MathF.Exp(x),
        UnaryOp.Log => MathF.Log(x),
        UnaryOp.Sqrt => MathF.Sqrt(x),
        UnaryOp.Abs => MathF.Abs(x),
        UnaryOp.Square => x * x,
        UnaryOp.Reciprocal => 1f / x,
        UnaryOp.Relu => x > 0f ? x : 0f,
        UnaryOp.LeakyRelu => x > 0f ? x : a * x,
        UnaryOp.Sigmoid => Sigmoid(x),
        UnaryOp.Tanh => MathF.Tanh(x),
        UnaryOp.Softplus => Softplus(x),
        UnaryOp.Clamp => MathF.Min(MathF.Max(x, a), b),
        UnaryOp.Pow => MathF.Pow(x, a),
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    /// <summary>dy/dx times the incoming gradient, from the input x and the forward output y.</summary>
    public static float Derivative(UnaryOp op, float x, float y, float gy, float a, float b) => op switch
    {
        UnaryOp.Affine => gy * a,
        UnaryOp.Exp => gy * y,
        UnaryOp.Log => gy / x,
        UnaryOp.Sqrt => gy * 0.5f / y,
        UnaryOp.Abs => x > 0f ? gy : x < 0f ? -gy : 0f,
        UnaryOp.Square => gy * 2f * x,
        UnaryOp.Reciprocal => -gy * y * y,
        UnaryOp.Relu => x > 0f ? gy : 0f,
        UnaryOp.LeakyRelu => x > 0f ? gy : a * gy,
        UnaryOp.Sigmoid => gy * y * (1f - y),
        UnaryOp.Tanh => gy * (1f - y * y),
        UnaryOp.Softplus => gy * Sigmoid(x),
        UnaryOp.Clamp => x >= a && x <= b ? gy : 0f,
        UnaryOp.Pow => gy * a * MathF.Pow(x, a - 1f),
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    public static float Apply(BinaryOp op, float a, float b) => op switch
    {
        BinaryOp.Add => a + b,
        BinaryOp.Sub => a - b,
        BinaryOp.Mul => a * b,
        BinaryOp.Div => a / b,
        BinaryOp.Min => MathF.Min(a, b),
        BinaryOp.Max => MathF.Max(a, b),
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    /// <summary>Gradient of a binary op with respect to its first operand.</summary>
    public static float DerivativeA(BinaryOp op, float a, float b, float gy) => op switch
    {
        BinaryOp.Add or BinaryOp.Sub => gy,
        BinaryOp.Mul => gy * b,
        BinaryOp.Div => gy / b,
        BinaryOp.Min => a <= b ? gy : 0f,
        BinaryOp.Max => a >= b ? gy : 0f,
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    /// <summary>Gradient of a binary op with respect to its second operand.</summary>
    public static float DerivativeB(BinaryOp op, float a, float b, float gy) => op switch
    {
        BinaryOp.Add => gy,
        BinaryOp.Sub => -gy,
        BinaryOp.Mul => gy * a,
        BinaryOp.Div => -gy * a / (b * b),
        BinaryOp.Min => a <= b ? 0f : gy,
        BinaryOp.Max => a >= b ? 0f : gy,
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    public static float Sigmoid(float x) => x >= 0f ? 1f / (1f + MathF.Exp(-x)) : MathF.Exp(x) / (1f + MathF.Exp(x));

    public static float Softplus(float x) => MathF.Max(x, 0f) + MathF.Log(1f + MathF.Exp(-MathF.Abs(x)));
}
