using ILGPU;
using KernelGan.Kernels.Formulas;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>Scalar arguments of the pointwise kernels.</summary>
internal readonly struct PointwiseArgs(int n, UnaryOp op, float a, float b)
{
    public readonly int N = n;
    public readonly UnaryOp Op = op;
    public readonly float A = a, B = b;
}

/// <summary>
/// Element-by-element kernels: unary functions and their derivatives (the shared formulas of
/// <see cref="UnaryFormulas"/> on <see cref="DeviceFloat"/>), axpby, fills, strided copies.
/// </summary>
internal static class PointwiseKernels
{
    public static void Unary(ArrayView<float> x, ArrayView<float> y, PointwiseArgs p)
    {
        for (int i = GridStride.Start; i < p.N; i += GridStride.Step)
            y[i] = UnaryFormulas.Forward(p.Op, new DeviceFloat(x[i]), new DeviceFloat(p.A), new DeviceFloat(p.B)).Value;
    }

    public static void UnaryBackward(ArrayView<float> x, ArrayView<float> y, ArrayView<float> gy, ArrayView<float> gx, PointwiseArgs p)
    {
        for (int i = GridStride.Start; i < p.N; i += GridStride.Step)
            gx[i] = UnaryFormulas.Backward(p.Op, new DeviceFloat(x[i]), new DeviceFloat(y[i]), new DeviceFloat(gy[i]),
                new DeviceFloat(p.A), new DeviceFloat(p.B)).Value;
    }

    /// <summary>y = alpha*x + beta*y (A = alpha, B = beta).</summary>
    public static void Axpby(ArrayView<float> x, ArrayView<float> y, PointwiseArgs p)
    {
        for (int i = GridStride.Start; i < p.N; i += GridStride.Step)
            y[i] = BinaryFormulas.Axpby(new DeviceFloat(p.A), new DeviceFloat(x[i]), new DeviceFloat(p.B), new DeviceFloat(y[i])).Value;
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
}

/// <summary>Shape of a strided 2-D copy.</summary>
internal readonly struct Copy2DArgs(int rows, int cols, int srcStride, int dstStride)
{
    public readonly int Rows = rows, Cols = cols, SrcStride = srcStride, DstStride = dstStride;
}
