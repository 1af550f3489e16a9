using System.Runtime.Intrinsics;

namespace KernelGan.Kernels.Cpu;

/// <summary>Batch norm over [n, c, hw], one channel per task: each channel's data is n runs of hw floats.</summary>
public sealed unsafe partial class CpuBackend
{
    public void BatchNormForwardTrain(DeviceBuffer x, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer y,
                                      DeviceBuffer saveMean, DeviceBuffer saveInvStd,
                                      DeviceBuffer runningMean, DeviceBuffer runningVar,
                                      int n, int c, int hw, float eps, float momentum)
    {
        using var alive = Alive(x, gamma, beta, y, saveMean, saveInvStd, runningMean, runningVar);
        float* px = Ptr(x), pg = Ptr(gamma), pb = Ptr(beta), py = Ptr(y);
        float* pm = Ptr(saveMean), ps = Ptr(saveInvStd), prm = Ptr(runningMean), prv = Ptr(runningVar);
        long count = (long)n * hw;
        CpuParallel.For(c, 1, (c0, c1) =>
        {
            for (int ch = c0; ch < c1; ch++)
            {
                // Two passes (mean, then squared deviations): a one-pass merge of per-run statistics
                // measured slower here, its per-run dependency chain costing more than the memory it saves.
                double sum = 0;
                for (int s = 0; s < n; s++) sum += SumRun(px + ((long)s * c + ch) * hw, hw);
                float mean = (float)(sum / count);
                double sq = 0;
                for (int s = 0; s < n; s++) sq += SumSquaredDeviation(px + ((long)s * c + ch) * hw, hw, mean);
                float variance = (float)(sq / count);
                float invStd = 1f / MathF.Sqrt(variance + eps);
                pm[ch] = mean;
                ps[ch] = invStd;
                float unbiased = count > 1 ? (float)(sq / (count - 1)) : variance;
                prm[ch] = (1f - momentum) * prm[ch] + momentum * mean;
                prv[ch] = (1f - momentum) * prv[ch] + momentum * unbiased;
                float scale = pg[ch] * invStd, shift = pb[ch] - mean * scale;
                for (int s = 0; s < n; s++)
                {
                    long o = ((long)s * c + ch) * hw;
                    ScaleShift(px + o, py + o, hw, scale, shift);
                }
            }
        });
    }

    public void BatchNormForwardEval(DeviceBuffer x, DeviceBuffer gamma, DeviceBuffer beta,
                                     DeviceBuffer runningMean, DeviceBuffer runningVar, DeviceBuffer y,
                                     int n, int c, int hw, float eps)
    {
        using var alive = Alive(x, gamma, beta, runningMean, runningVar, y);
        float* px = Ptr(x), pg = Ptr(gamma), pb = Ptr(beta), py = Ptr(y), prm = Ptr(runningMean), prv = Ptr(runningVar);
        CpuParallel.For(n * c, Math.Max(1, PointwiseGrain / Math.Max(1, hw)), (t0, t1) =>
        {
            for (int t = t0; t < t1; t++)
            {
                int ch = t % c;
                float scale = pg[ch] / MathF.Sqrt(prv[ch] + eps), shift = pb[ch] - prm[ch] * scale;
                ScaleShift(px + (long)t * hw, py + (long)t * hw, hw, scale, shift);
            }
        });
    }

    public void BatchNormBackward(DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gamma,
                                  DeviceBuffer saveMean, DeviceBuffer saveInvStd,
                                  DeviceBuffer gx, DeviceBuffer ggamma, DeviceBuffer gbeta, int n, int c, int hw)
    {
        using var alive = Alive(x, gy, gamma, saveMean, saveInvStd, gx, ggamma, gbeta);
        float* px = Ptr(x), pgy = Ptr(gy), pg = Ptr(gamma), pm = Ptr(saveMean), ps = Ptr(saveInvStd);
        float* pgx = Ptr(gx), pgg = Ptr(ggamma), pgb = Ptr(gbeta);
        long count = (long)n * hw;
        CpuParallel.For(c, 1, (c0, c1) =>
        {
            for (int ch = c0; ch < c1; ch++)
            {
                float mean = pm[ch], invStd = ps[ch];
                double sumGy = 0, sumGyXhat = 0;
                for (int s = 0; s < n; s++)
                {
                    long o = ((long)s * c + ch) * hw;
                    sumGy += SumRun(pgy + o, hw);
                    sumGyXhat += DotCentered(pgy + o, px + o, hw, mean);
                }
                sumGyXhat *= invStd;
                pgb[ch] = (float)sumGy;
                pgg[ch] = (float)sumGyXhat;
                // gx = gamma*invStd * (gy - mean(gy) - xhat * mean(gy*xhat))
                float k = pg[ch] * invStd;
                float meanGy = (float)(sumGy / count), meanGyXhat = (float)(sumGyXhat / count);
                // gx = k*gy - k*meanGy - k*meanGyXhat*invStd*(x - mean) = a*gy + b*x + d.
                float a = k, b = -k * meanGyXhat * invStd, d = -k * meanGy + k * meanGyXhat * invStd * mean;
                for (int s = 0; s < n; s++)
                {
                    long o = ((long)s * c + ch) * hw;
                    LinearCombination(pgy + o, px + o, pgx + o, hw, a, b, d);
                }
            }
        });
    }

    private static double SumSquaredDeviation(float* p, int n, float mean)
    {
        int i = 0;
        float s = 0f;
        if (Vector512.IsHardwareAccelerated)
        {
            var vm = Vector512.Create(mean);
            Vector512<float> acc = default;
            for (; i <= n - 16; i += 16)
            {
                var d = Vector512.Load(p + i) - vm;
                acc = Vector512.FusedMultiplyAdd(d, d, acc);
            }
            s = Vector512.Sum(acc);
        }
        for (; i < n; i++) { float d = p[i] - mean; s += d * d; }
        return s;
    }

    private static double DotCentered(float* g, float* x, int n, float mean)
    {
        int i = 0;
        float s = 0f;
        if (Vector512.IsHardwareAccelerated)
        {
            var vm = Vector512.Create(mean);
            Vector512<float> acc = default;
            for (; i <= n - 16; i += 16)
                acc = Vector512.FusedMultiplyAdd(Vector512.Load(g + i), Vector512.Load(x + i) - vm, acc);
            s = Vector512.Sum(acc);
        }
        for (; i < n; i++) s += g[i] * (x[i] - mean);
        return s;
    }

    /// <summary>z = a*x + b*y + d elementwise.</summary>
    private static void LinearCombination(float* x, float* y, float* z, int n, float a, float b, float d)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var va = Vector512.Create(a);
            var vb = Vector512.Create(b);
            var vd = Vector512.Create(d);
            for (; i <= n - 16; i += 16)
                Vector512.Store(Vector512.FusedMultiplyAdd(Vector512.Load(x + i), va, Vector512.FusedMultiplyAdd(Vector512.Load(y + i), vb, vd)), z + i);
        }
        for (; i < n; i++) z[i] = a * x[i] + b * y[i] + d;
    }

    private static void ScaleShift(float* x, float* y, int n, float scale, float shift)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var vs = Vector512.Create(scale);
            var vt = Vector512.Create(shift);
            for (; i <= n - 16; i += 16) Vector512.Store(Vector512.FusedMultiplyAdd(Vector512.Load(x + i), vs, vt), y + i);
        }
        for (; i < n; i++) y[i] = x[i] * scale + shift;
    }
}
