using ILGPU;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>Scalar arguments of the pointwise kernels.</summary>
internal readonly struct PointwiseArgs(int n, UnaryOp op, float a, float b)
{
    public readonly int N = n;
    public readonly UnaryOp Op = op;
    public readonly float A = a, B = b;
}

/// <summary>Element-by-element kernels: unary functions and their derivatives, axpby, fills, strided copies.</summary>
internal static class PointwiseKernels
{
    public static void Unary(ArrayView<float> x, ArrayView<float> y, PointwiseArgs p)
    {
        for (int i = GridStride.Start; i < p.N; i += GridStride.Step)
            y[i] = Apply(p.Op, x[i], p.A, p.B);
    }

    public static void UnaryBackward(ArrayView<float> x, ArrayView<float> y, ArrayView<float> gy, ArrayView<float> gx, PointwiseArgs p)
    {
        for (int i = GridStride.Start; i < p.N; i += GridStride.Step)
            gx[i] = Derivative(p.Op, x[i], y[i], gy[i], p.A, p.B);
    }

    /// <summary>y = alpha*x + beta*y (A = alpha, B = beta).</summary>
    public static void Axpby(ArrayView<float> x, ArrayView<float> y, PointwiseArgs p)
    {
        for (int i = GridStride.Start; i < p.N; i += GridStride.Step)
            y[i] = p.A * x[i] + p.B * y[i];
    }

    /// <summary>y[i] = A for i &lt; N.</summary>
    public static void Fill(ArrayView<float> y, PointwiseArgs p)
    {
        for (int i = GridStride.Start; i < p.N; i += GridStride.Step)
            y[i] = p.A;
    }

    /// <summary>Run r of <paramref name="cols"/> floats: dst[r*dstStride + c] = src[r*srcStride + c] (views start at the offsets).</summary>
    public static void Copy2D(ArrayView<float> src, ArrayView<float> dst, Copy2DArgs p)
    {
        int total = p.Rows * p.Cols;
        for (int i = GridStride.Start; i < total; i += GridStride.Step)
        {
            int r = i / p.Cols, c = i - r * p.Cols;
            dst[r * p.DstStride + c] = src[r * p.SrcStride + c];
        }
    }

    /// <summary>The same definitions as <see cref="Pointwise.Apply(UnaryOp, float, float, float)"/>, with device math.</summary>
    public static float Apply(UnaryOp op, float x, float a, float b)
    {
        switch (op)
        {
            case UnaryOp.Affine: return a * x + b;
            case UnaryOp.Exp: return DeviceMath.Exp(x);
            case UnaryOp.Log: return DeviceMath.Log(x);
            case UnaryOp.Sqrt: return MathF.Sqrt(x);
            case UnaryOp.Abs: return MathF.Abs(x);
            case UnaryOp.Square: return x * x;
            case UnaryOp.Reciprocal: return 1f / x;
            case UnaryOp.Relu: return x > 0f ? x : 0f;
            case UnaryOp.LeakyRelu: return x > 0f ? x : a * x;
            case UnaryOp.Sigmoid: return DeviceMath.Sigmoid(x);
            case UnaryOp.Tanh: return DeviceMath.Tanh(x);
            case UnaryOp.Softplus: return DeviceMath.Softplus(x);
            case UnaryOp.Clamp: return MathF.Min(MathF.Max(x, a), b);
            default: return DeviceMath.Pow(x, a);
        }
    }

    /// <summary>The same definitions as <see cref="Pointwise.Derivative"/>.</summary>
    public static float Derivative(UnaryOp op, float x, float y, float gy, float a, float b)
    {
        switch (op)
        {
            case UnaryOp.Affine: return gy * a;
            case UnaryOp.Exp: return gy * y;
            case UnaryOp.Log: return gy / x;
            case UnaryOp.Sqrt: return gy * 0.5f / y;
            case UnaryOp.Abs: return x > 0f ? gy : x < 0f ? -gy : 0f;
            case UnaryOp.Square: return gy * 2f * x;
            case UnaryOp.Reciprocal: return -gy * y * y;
            case UnaryOp.Relu: return x > 0f ? gy : 0f;
            case UnaryOp.LeakyRelu: return x > 0f ? gy : a * gy;
            case UnaryOp.Sigmoid: return gy * y * (1f - y);
            case UnaryOp.Tanh: return gy * (1f - y * y);
            case UnaryOp.Softplus: return gy * DeviceMath.Sigmoid(x);
            case UnaryOp.Clamp: return x >= a && x <= b ? gy : 0f;
            default: return gy * a * DeviceMath.Pow(x, a - 1f);
        }
    }
}

/// <summary>Shape of a strided 2-D copy.</summary>
internal readonly struct Copy2DArgs(int rows, int cols, int srcStride, int dstStride)
{
    public readonly int Rows = rows, Cols = cols, SrcStride = srcStride, DstStride = dstStride;
}
