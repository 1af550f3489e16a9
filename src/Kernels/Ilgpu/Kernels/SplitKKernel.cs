using ILGPU;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>Where split-k partial products go back into the caller's C.</summary>
internal readonly struct SplitKArgs(int m, int n, int batch, int splits, int ldc, int strideC, float alpha, float beta)
{
    public readonly int M = m, N = n, Batch = batch, Splits = splits, Ldc = ldc;
    public readonly int StrideC = strideC;
    public readonly float Alpha = alpha, Beta = beta;
}

/// <summary>
/// Second half of a split-k GEMM: partials are dense [Batch, Splits, M, N] (written with alpha = 1,
/// beta = 0); C = alpha * (sum over splits) + beta * C, in a fixed order so results are repeatable.
/// </summary>
internal static class SplitKKernel
{
    public static void Reduce(ArrayView<float> partials, ArrayView<float> c, SplitKArgs p)
    {
        int plane = p.M * p.N;
        int total = plane * p.Batch;
        for (int t = GridStride.Start; t < total; t += GridStride.Step)
        {
            int batch = t / plane;
            int within = t - batch * plane;
            int row = within / p.N, col = within - row * p.N;
            int first = batch * p.Splits * plane + within;
            float s = 0f;
            for (int k = 0; k < p.Splits; k++) s += partials[first + k * plane];
            int at = batch * p.StrideC + row * p.Ldc + col;
            float v = p.Alpha * s;
            if (p.Beta != 0f) v += p.Beta * c[at];
            c[at] = v;
        }
    }
}
