using ILGPU;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>Batch norm over x [N, C, HW].</summary>
internal readonly struct BatchNormArgs(int n, int c, int hw, float eps, float momentum, int slices = 1)
{
    public readonly int N = n, C = c, HW = hw;
    public readonly float Eps = eps, Momentum = momentum;

    /// <summary>Groups per channel in the sliced kernels; each takes one contiguous run of the channel's N*HW values.</summary>
    public readonly int Slices = slices;

    public int Count => N * HW;

    public int SliceLength => (Count + Slices - 1) / Slices;
}

/// <summary>
/// Batch norm. The fused kernels use one group per channel: the channel's N*HW values are strided
/// over the group and summed with tree reductions (two passes for the variance, like the CPU
/// backend, so a large mean doesn't cancel), then the same group normalizes. When there are too
/// few channels to occupy a GPU, the sliced kernels split each channel over several groups: partial
/// sums per slice, then every slice combines its channel's partials (in slice order, so results are
/// repeatable) and normalizes its own run.
/// </summary>
internal static class BatchNormKernels
{
    public static void ForwardTrain(ArrayView<float> x, ArrayView<float> gamma, ArrayView<float> beta, ArrayView<float> y,
                                    ArrayView<float> saveMean, ArrayView<float> saveInvStd,
                                    ArrayView<float> runningMean, ArrayView<float> runningVar, BatchNormArgs p)
    {
        var shared = SharedMemory.Allocate<float>(GroupReduce.MaxGroupSize);
        int count = p.N * p.HW;
        for (int ch = Grid.IdxX; ch < p.C; ch += Grid.DimX)
        {
            float s = 0f;
            for (int e = Group.IdxX; e < count; e += Group.DimX) s += x[Index(p, ch, e)];
            float mean = GroupReduce.Sum(shared, s) / count;
            float sq = 0f;
            for (int e = Group.IdxX; e < count; e += Group.DimX)
            {
                float d = x[Index(p, ch, e)] - mean;
                sq += d * d;
            }
            sq = GroupReduce.Sum(shared, sq);
            float variance = sq / count;
            float invStd = 1f / MathF.Sqrt(variance + p.Eps);
            if (Group.IdxX == 0)
            {
                saveMean[ch] = mean;
                saveInvStd[ch] = invStd;
                float unbiased = count > 1 ? sq / (count - 1) : variance;
                runningMean[ch] = (1f - p.Momentum) * runningMean[ch] + p.Momentum * mean;
                runningVar[ch] = (1f - p.Momentum) * runningVar[ch] + p.Momentum * unbiased;
            }
            float scale = gamma[ch] * invStd, shift = beta[ch] - mean * scale;
            for (int e = Group.IdxX; e < count; e += Group.DimX)
            {
                int at = Index(p, ch, e);
                y[at] = x[at] * scale + shift;
            }
        }
    }

    public static void ForwardEval(ArrayView<float> x, ArrayView<float> gamma, ArrayView<float> beta,
                                   ArrayView<float> runningMean, ArrayView<float> runningVar, ArrayView<float> y, BatchNormArgs p)
    {
        int total = p.N * p.C * p.HW;
        for (int t = GridStride.Start; t < total; t += GridStride.Step)
        {
            int ch = (int)(t / p.HW % p.C);
            float scale = gamma[ch] / MathF.Sqrt(runningVar[ch] + p.Eps);
            float shift = beta[ch] - runningMean[ch] * scale;
            y[t] = x[t] * scale + shift;
        }
    }

    /// <summary>gx = gamma*invStd * (gy - mean(gy) - xhat * mean(gy*xhat)); ggamma = sum gy*xhat; gbeta = sum gy.</summary>
    public static void Backward(ArrayView<float> x, ArrayView<float> gy, ArrayView<float> gamma,
                                ArrayView<float> saveMean, ArrayView<float> saveInvStd,
                                ArrayView<float> gx, ArrayView<float> ggamma, ArrayView<float> gbeta, BatchNormArgs p)
    {
        var shared = SharedMemory.Allocate<float>(2 * GroupReduce.MaxGroupSize);
        int count = p.N * p.HW;
        for (int ch = Grid.IdxX; ch < p.C; ch += Grid.DimX)
        {
            float mean = saveMean[ch], invStd = saveInvStd[ch];
            float sumGy = 0f, sumGyCentered = 0f;
            for (int e = Group.IdxX; e < count; e += Group.DimX)
            {
                int at = Index(p, ch, e);
                float g = gy[at];
                sumGy += g;
                sumGyCentered += g * (x[at] - mean);
            }
            GroupReduce.Sum2(shared, ref sumGy, ref sumGyCentered);
            float sumGyXhat = sumGyCentered * invStd;
            if (Group.IdxX == 0)
            {
                gbeta[ch] = sumGy;
                ggamma[ch] = sumGyXhat;
            }
            float k = gamma[ch] * invStd;
            float meanGy = sumGy / count, meanGyXhat = sumGyXhat / count;
            for (int e = Group.IdxX; e < count; e += Group.DimX)
            {
                int at = Index(p, ch, e);
                float xhat = (x[at] - mean) * invStd;
                gx[at] = k * (gy[at] - meanGy - xhat * meanGyXhat);
            }
        }
    }

    // ---------------------------------------------------------------- sliced: several groups per channel

    /// <summary>partialSum[ch*Slices + slice] = sum of x over the slice.</summary>
    public static void SlicedSums(ArrayView<float> x, ArrayView<float> partialSum, BatchNormArgs p)
    {
        var shared = SharedMemory.Allocate<float>(GroupReduce.MaxGroupSize);
        for (int work = Grid.IdxX; work < p.C * p.Slices; work += Grid.DimX)
        {
            int ch = work / p.Slices;
            SliceRange(p, work - ch * p.Slices, out int begin, out int end);
            float s = 0f;
            for (int e = begin + Group.IdxX; e < end; e += Group.DimX) s += x[Index(p, ch, e)];
            s = GroupReduce.Sum(shared, s);
            if (Group.IdxX == 0) partialSum[work] = s;
        }
    }

    /// <summary>partialSquares[ch*Slices + slice] = sum over the slice of (x - mean)^2, the mean from the partial sums.</summary>
    public static void SlicedSquares(ArrayView<float> x, ArrayView<float> partialSum, ArrayView<float> partialSquares, BatchNormArgs p)
    {
        var shared = SharedMemory.Allocate<float>(GroupReduce.MaxGroupSize);
        for (int work = Grid.IdxX; work < p.C * p.Slices; work += Grid.DimX)
        {
            int ch = work / p.Slices;
            SliceRange(p, work - ch * p.Slices, out int begin, out int end);
            float mean = Total(partialSum, ch, p.Slices) / p.Count;
            float sq = 0f;
            for (int e = begin + Group.IdxX; e < end; e += Group.DimX)
            {
                float d = x[Index(p, ch, e)] - mean;
                sq += d * d;
            }
            sq = GroupReduce.Sum(shared, sq);
            if (Group.IdxX == 0) partialSquares[work] = sq;
        }
    }

    /// <summary>Normalizes each slice; slice 0 of each channel also writes the saved and running statistics.</summary>
    public static void SlicedNormalize(ArrayView<float> x, ArrayView<float> gamma, ArrayView<float> beta, ArrayView<float> y,
                                       ArrayView<float> partialSum, ArrayView<float> partialSquares,
                                       ArrayView<float> saveMean, ArrayView<float> saveInvStd,
                                       ArrayView<float> runningMean, ArrayView<float> runningVar, BatchNormArgs p)
    {
        int count = p.Count;
        for (int work = Grid.IdxX; work < p.C * p.Slices; work += Grid.DimX)
        {
            int ch = work / p.Slices, slice = work - ch * p.Slices;
            SliceRange(p, slice, out int begin, out int end);
            float mean = Total(partialSum, ch, p.Slices) / count;
            float sq = Total(partialSquares, ch, p.Slices);
            float variance = sq / count;
            float invStd = 1f / MathF.Sqrt(variance + p.Eps);
            if (slice == 0 && Group.IdxX == 0)
            {
                saveMean[ch] = mean;
                saveInvStd[ch] = invStd;
                float unbiased = count > 1 ? sq / (count - 1) : variance;
                runningMean[ch] = (1f - p.Momentum) * runningMean[ch] + p.Momentum * mean;
                runningVar[ch] = (1f - p.Momentum) * runningVar[ch] + p.Momentum * unbiased;
            }
            float scale = gamma[ch] * invStd, shift = beta[ch] - mean * scale;
            for (int e = begin + Group.IdxX; e < end; e += Group.DimX)
            {
                int at = Index(p, ch, e);
                y[at] = x[at] * scale + shift;
            }
        }
    }

    /// <summary>Per slice: partial sums of gy and of gy * (x - mean).</summary>
    public static void SlicedBackwardSums(ArrayView<float> x, ArrayView<float> gy, ArrayView<float> saveMean,
                                          ArrayView<float> partialGy, ArrayView<float> partialGyCentered, BatchNormArgs p)
    {
        var shared = SharedMemory.Allocate<float>(2 * GroupReduce.MaxGroupSize);
        for (int work = Grid.IdxX; work < p.C * p.Slices; work += Grid.DimX)
        {
            int ch = work / p.Slices;
            SliceRange(p, work - ch * p.Slices, out int begin, out int end);
            float mean = saveMean[ch];
            float sumGy = 0f, sumGyCentered = 0f;
            for (int e = begin + Group.IdxX; e < end; e += Group.DimX)
            {
                int at = Index(p, ch, e);
                float g = gy[at];
                sumGy += g;
                sumGyCentered += g * (x[at] - mean);
            }
            GroupReduce.Sum2(shared, ref sumGy, ref sumGyCentered);
            if (Group.IdxX == 0)
            {
                partialGy[work] = sumGy;
                partialGyCentered[work] = sumGyCentered;
            }
        }
    }

    /// <summary>gx over each slice from the channel totals; slice 0 writes ggamma and gbeta.</summary>
    public static void SlicedBackwardApply(ArrayView<float> x, ArrayView<float> gy, ArrayView<float> gamma,
                                           ArrayView<float> saveMean, ArrayView<float> saveInvStd,
                                           ArrayView<float> partialGy, ArrayView<float> partialGyCentered,
                                           ArrayView<float> gx, ArrayView<float> ggamma, ArrayView<float> gbeta, BatchNormArgs p)
    {
        int count = p.Count;
        for (int work = Grid.IdxX; work < p.C * p.Slices; work += Grid.DimX)
        {
            int ch = work / p.Slices, slice = work - ch * p.Slices;
            SliceRange(p, slice, out int begin, out int end);
            float mean = saveMean[ch], invStd = saveInvStd[ch];
            float sumGy = Total(partialGy, ch, p.Slices);
            float sumGyXhat = Total(partialGyCentered, ch, p.Slices) * invStd;
            if (slice == 0 && Group.IdxX == 0)
            {
                gbeta[ch] = sumGy;
                ggamma[ch] = sumGyXhat;
            }
            float k = gamma[ch] * invStd;
            float meanGy = sumGy / count, meanGyXhat = sumGyXhat / count;
            for (int e = begin + Group.IdxX; e < end; e += Group.DimX)
            {
                int at = Index(p, ch, e);
                float xhat = (x[at] - mean) * invStd;
                gx[at] = k * (gy[at] - meanGy - xhat * meanGyXhat);
            }
        }
    }

    /// <summary>Sum of a channel's partials in slice order (every thread reads the same few values).</summary>
    private static float Total(ArrayView<float> partials, int ch, int slices)
    {
        float s = 0f;
        for (int i = 0; i < slices; i++) s += partials[ch * slices + i];
        return s;
    }

    private static void SliceRange(BatchNormArgs p, int slice, out int begin, out int end)
    {
        int length = p.SliceLength;
        begin = slice * length;
        end = Math.Min(p.Count, begin + length);
    }

    /// <summary>Offset of element e (sample-major within the channel) of channel ch.</summary>
    private static int Index(BatchNormArgs p, int ch, int e)
    {
        int sample = e / p.HW;
        int pixel = e - sample * p.HW;
        return (sample * p.C + ch) * p.HW + pixel;
    }
}
