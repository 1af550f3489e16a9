using ILGPU;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>Where split-k partial products go back into the caller's C.</summary>
internal readonly struct SplitKArgs(int m, int n, int batch, int splits, int ldc, int strideC, float alpha, float beta)
{
    public readonly int M = m, N = n, Batch = batch, Splits = splits, Ldc = ldc;
    public readonly int StrideC = strideC;
    public readonly float Alpha = alpha, Beta = beta;
}

/// <summary>Shape of one <see cref="SplitKKernel.Fold"/>: [Batch, Splits, Plane] partials into [Batch, Folded, Plane].</summary>
internal readonly struct SplitFoldArgs(int plane, int batch, int splits, int folded)
{
    public readonly int Plane = plane, Batch = batch, Splits = splits, Folded = folded;
    public readonly FastDivisor ByPlane = new(Math.Max(1, plane)), ByFolded = new(Math.Max(1, folded));
}

/// <summary>
/// Second half of a split-k GEMM: partials are dense [Batch, Splits, M, N] (written with alpha = 1,
/// beta = 0); C = alpha * (sum over splits) + beta * C, in a fixed order so results are repeatable.
/// </summary>
internal static class SplitKKernel
{
    /// <summary>Splits one <see cref="Fold"/> thread sums; also the most the final <see cref="Reduce"/> loops over.</summary>
    public const int FoldWidth = 16;

    /// <summary>
    /// folded[b, f, i] = sum of partials[b, s, i] over s in [f*FoldWidth, (f+1)*FoldWidth). A tiny output
    /// with hundreds of splits (a first-layer conv weight gradient) would otherwise leave the final sum
    /// to a few thousand threads each walking every split; folding first spreads it over 16x more.
    /// </summary>
    public static void Fold(ArrayView<float> partials, ArrayView<float> folded, SplitFoldArgs p)
    {
        int total = p.Batch * p.Folded * p.Plane;
        for (int t = GridStride.Start; t < total; t += GridStride.Step)
        {
            int row = p.ByPlane.Divide(t);
            int within = t - row * p.Plane;
            int batch = p.ByFolded.Divide(row);
            int fold = row - batch * p.Folded;
            int first = fold * FoldWidth, last = Math.Min(p.Splits, first + FoldWidth);
            int at = (batch * p.Splits + first) * p.Plane + within;
            float s = 0f;
            for (int k = first; k < last; k++, at += p.Plane) s += partials[at];
            folded[t] = s;
        }
    }

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
