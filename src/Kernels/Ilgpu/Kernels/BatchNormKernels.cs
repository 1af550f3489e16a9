using ILGPU;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>Batch norm over x [N, C, HW].</summary>
internal readonly struct BatchNormArgs(int n, int c, int hw, float eps, float momentum)
{
    public readonly int N = n, C = c, HW = hw;
    public readonly float Eps = eps, Momentum = momentum;
}

/// <summary>
/// Batch norm with one group per channel: the channel's N*HW values are strided over the group and
/// summed with tree reductions (two passes for the variance, like the CPU backend, so a large mean
/// doesn't cancel), then the same group applies the normalization.
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
                long at = Index(p, ch, e);
                y[at] = x[at] * scale + shift;
            }
        }
    }

    public static void ForwardEval(ArrayView<float> x, ArrayView<float> gamma, ArrayView<float> beta,
                                   ArrayView<float> runningMean, ArrayView<float> runningVar, ArrayView<float> y, BatchNormArgs p)
    {
        long total = (long)p.N * p.C * p.HW;
        for (long t = GridStride.Start; t < total; t += GridStride.Step)
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
                long at = Index(p, ch, e);
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
                long at = Index(p, ch, e);
                float xhat = (x[at] - mean) * invStd;
                gx[at] = k * (gy[at] - meanGy - xhat * meanGyXhat);
            }
        }
    }

    /// <summary>Offset of element e (sample-major within the channel) of channel ch.</summary>
    private static long Index(BatchNormArgs p, int ch, int e)
    {
        int sample = e / p.HW;
        int pixel = e - sample * p.HW;
        return ((long)sample * p.C + ch) * p.HW + pixel;
    }
}
