using KernelGan.Kernels.Formulas;

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

/// <summary>
/// Every pointwise op on one host float: the shared formulas (<see cref="UnaryFormulas"/>,
/// <see cref="BinaryFormulas"/>) that the CPU and GPU kernels run too, here as the reference that
/// checks compare kernels with.
/// </summary>
public static class Pointwise
{
    public static float Apply(UnaryOp op, float x, float a, float b) =>
        UnaryFormulas.Forward(Defined(op), new HostFloat(x), new HostFloat(a), new HostFloat(b)).Value;

    /// <summary>dy/dx times the incoming gradient, from the input x and the forward output y.</summary>
    public static float Derivative(UnaryOp op, float x, float y, float gy, float a, float b) =>
        UnaryFormulas.Backward(Defined(op), new HostFloat(x), new HostFloat(y), new HostFloat(gy), new HostFloat(a), new HostFloat(b)).Value;

    public static float Apply(BinaryOp op, float a, float b) =>
        BinaryFormulas.Forward(Defined(op), new HostFloat(a), new HostFloat(b)).Value;

    /// <summary>Gradient of a binary op with respect to its first operand.</summary>
    public static float DerivativeA(BinaryOp op, float a, float b, float gy)
    {
        BinaryFormulas.Gradients(Defined(op), new HostFloat(a), new HostFloat(b), new HostFloat(gy), out var ga, out _);
        return ga.Value;
    }

    /// <summary>Gradient of a binary op with respect to its second operand.</summary>
    public static float DerivativeB(BinaryOp op, float a, float b, float gy)
    {
        BinaryFormulas.Gradients(Defined(op), new HostFloat(a), new HostFloat(b), new HostFloat(gy), out _, out var gb);
        return gb.Value;
    }

    private static UnaryOp Defined(UnaryOp op) => Enum.IsDefined(op) ? op : throw new ArgumentOutOfRangeException(nameof(op), op, "not a UnaryOp");

    private static BinaryOp Defined(BinaryOp op) => Enum.IsDefined(op) ? op : throw new ArgumentOutOfRangeException(nameof(op), op, "not a BinaryOp");
}
