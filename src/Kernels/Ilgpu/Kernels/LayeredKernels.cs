using ILGPU;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>Sizes of the fused layered-GAN kernels.</summary>
internal readonly struct LayeredArgs(int n, int c, int hw, int outputs, int hasPermutation, int slices = 1)
{
    /// <summary>Samples (or rows).</summary>
    public readonly int N = n;

    /// <summary>Channels (Composite).</summary>
    public readonly int C = c;

    /// <summary>Pixels per plane (Composite), or row length (RowL1Distance, gather/scatter).</summary>
    public readonly int HW = hw;

    /// <summary>Which optional gradients to write: bit 0, 1, 2 in the order of the kernel's outputs.</summary>
    public readonly int Outputs = outputs;

    public readonly int HasPermutation = hasPermutation;

    /// <summary>RowL1Distance: groups per row (each sums one contiguous slice into a partial).</summary>
    public readonly int Slices = slices;
}

/// <summary>Alpha compositing, the CLUB row-L1 statistic, and row gather/scatter.</summary>
internal static class LayeredKernels
{
    /// <summary>y = bg + m * (fg - bg) (the CPU backend's form of m*fg + (1-m)*bg).</summary>
    public static void Composite(ArrayView<float> m, ArrayView<float> fg, ArrayView<float> bg, ArrayView<float> y, LayeredArgs p)
    {
        int total = p.N * p.C * p.HW;
        for (int t = GridStride.Start; t < total; t += GridStride.Step)
        {
            int plane = t / p.HW;
            int pixel = t - plane * p.HW;
            float mask = m[plane / p.C * p.HW + pixel];
            float b = bg[t];
            y[t] = b + mask * (fg[t] - b);
        }
    }

    /// <summary>One thread per (sample, pixel): the mask gradient sums over channels, so no atomics.</summary>
    public static void CompositeBackward(ArrayView<float> m, ArrayView<float> fg, ArrayView<float> bg, ArrayView<float> gy,
                                         ArrayView<float> gm, ArrayView<float> gfg, ArrayView<float> gbg, LayeredArgs p)
    {
        bool wantMask = (p.Outputs & 1) != 0, wantFg = (p.Outputs & 2) != 0, wantBg = (p.Outputs & 4) != 0;
        int total = p.N * p.HW;
        for (int t = GridStride.Start; t < total; t += GridStride.Step)
        {
            int sample = t / p.HW;
            int pixel = t - sample * p.HW;
            float mask = m[t];
            float gMask = 0f;
            for (int ch = 0; ch < p.C; ch++)
            {
                int at = (sample * p.C + ch) * p.HW + pixel;
                float g = gy[at];
                if (wantMask) gMask += g * (fg[at] - bg[at]);
                if (wantFg) gfg[at] = g * mask;
                if (wantBg) gbg[at] = g * (1f - mask);
            }
            if (wantMask) gm[t] = gMask;
        }
    }

    /// <summary>
    /// One group per (row, slice). With one slice: output[r] = mean_j |x[perm[r], j] - y[r, j]|.
    /// With several: output[r*Slices + slice] = the slice's sum of |x - y| (the host adds them up).
    /// </summary>
    public static void RowL1Distance(ArrayView<float> x, ArrayView<float> y, ArrayView<int> perm, ArrayView<float> output, LayeredArgs p)
    {
        var shared = SharedMemory.Allocate<float>(GroupReduce.MaxGroupSize);
        int d = p.HW;
        int length = (d + p.Slices - 1) / p.Slices;
        for (int work = Grid.IdxX; work < p.N * p.Slices; work += Grid.DimX)
        {
            int r = work / p.Slices, slice = work - r * p.Slices;
            int begin = slice * length, end = Math.Min(d, begin + length);
            int xRow = (p.HasPermutation != 0 ? perm[r] : r) * d, yRow = r * d;
            float s = 0f;
            for (int j = begin + Group.IdxX; j < end; j += Group.DimX) s += MathF.Abs(x[xRow + j] - y[yRow + j]);
            s = GroupReduce.Sum(shared, s);
            if (Group.IdxX == 0) output[work] = p.Slices == 1 ? s / d : s;
        }
    }

    /// <summary>gx[perm[r], j] = sign(x - y) * gOut[r] / d and gy[r, j] = the negation (perm is a permutation: no collisions).</summary>
    public static void RowL1DistanceBackward(ArrayView<float> x, ArrayView<float> y, ArrayView<int> perm, ArrayView<float> gOutput,
                                             ArrayView<float> gx, ArrayView<float> gy, LayeredArgs p)
    {
        bool wantX = (p.Outputs & 1) != 0, wantY = (p.Outputs & 2) != 0;
        int d = p.HW;
        int total = p.N * d;
        for (int t = GridStride.Start; t < total; t += GridStride.Step)
        {
            int r = (int)(t / d);
            int j = (int)(t - r * d);
            int xAt = (p.HasPermutation != 0 ? perm[r] : r) * d + j;
            float scale = gOutput[r] / d;
            float diff = x[xAt] - y[t];
            float g = diff > 0f ? scale : diff < 0f ? -scale : 0f;
            if (wantX) gx[xAt] = g;
            if (wantY) gy[t] = -g;
        }
    }

    /// <summary>y[r, :] = x[index[r], :] (N rows of length HW).</summary>
    public static void GatherRows(ArrayView<float> x, ArrayView<int> index, ArrayView<float> y, LayeredArgs p)
    {
        int total = p.N * p.HW;
        for (int t = GridStride.Start; t < total; t += GridStride.Step)
        {
            int r = t / p.HW;
            int j = t - r * p.HW;
            y[t] = x[index[(int)r] * p.HW + j];
        }
    }

    /// <summary>gx[index[r], :] += gy[r, :] with atomics (indices may repeat); gx must be zeroed first.</summary>
    public static void ScatterAddRows(ArrayView<float> gy, ArrayView<int> index, ArrayView<float> gx, LayeredArgs p)
    {
        int total = p.N * p.HW;
        for (int t = GridStride.Start; t < total; t += GridStride.Step)
        {
            int r = t / p.HW;
            int j = t - r * p.HW;
            Atomic.Add(ref gx[index[(int)r] * p.HW + j], gy[t]);
        }
    }
}
