using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using KernelGan.Kernels.Cpu.Simd;

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

    private static double SumSquaredDeviation(float* p, int n, float mean) =>
        Vector512.IsHardwareAccelerated ? SumSquaredDeviation<V512>(p, n, mean)
        : Vector256.IsHardwareAccelerated ? SumSquaredDeviation<V256>(p, n, mean)
        : SumSquaredDeviation<V128>(p, n, mean);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double SumSquaredDeviation<TV>(float* p, int n, float mean) where TV : unmanaged, IVec<TV>
    {
        int i = 0;
        var vm = TV.Broadcast(mean);
        var acc = TV.Zero;
        for (; i <= n - TV.Lanes; i += TV.Lanes)
        {
            var d = TV.Load(p + i) - vm;
            acc = TV.MultiplyAdd(d, d, acc);
        }
        float s = acc.Sum();
        for (; i < n; i++) { float d = p[i] - mean; s += d * d; }
        return s;
    }

    private static double DotCentered(float* g, float* x, int n, float mean) =>
        Vector512.IsHardwareAccelerated ? DotCentered<V512>(g, x, n, mean)
        : Vector256.IsHardwareAccelerated ? DotCentered<V256>(g, x, n, mean)
        : DotCentered<V128>(g, x, n, mean);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double DotCentered<TV>(float* g, float* x, int n, float mean) where TV : unmanaged, IVec<TV>
    {
        int i = 0;
        var vm = TV.Broadcast(mean);
        var acc = TV.Zero;
        for (; i <= n - TV.Lanes; i += TV.Lanes)
            acc = TV.MultiplyAdd(TV.Load(g + i), TV.Load(x + i) - vm, acc);
        float s = acc.Sum();
        for (; i < n; i++) s += g[i] * (x[i] - mean);
        return s;
    }

    /// <summary>z = a*x + b*y + d elementwise.</summary>
    private static void LinearCombination(float* x, float* y, float* z, int n, float a, float b, float d)
    {
        if (Vector512.IsHardwareAccelerated) LinearCombination<V512>(x, y, z, n, a, b, d);
        else if (Vector256.IsHardwareAccelerated) LinearCombination<V256>(x, y, z, n, a, b, d);
        else LinearCombination<V128>(x, y, z, n, a, b, d);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LinearCombination<TV>(float* x, float* y, float* z, int n, float a, float b, float d) where TV : unmanaged, IVec<TV>
    {
        int i = 0;
        var va = TV.Broadcast(a);
        var vb = TV.Broadcast(b);
        var vd = TV.Broadcast(d);
        for (; i <= n - TV.Lanes; i += TV.Lanes)
            TV.MultiplyAdd(TV.Load(x + i), va, TV.MultiplyAdd(TV.Load(y + i), vb, vd)).Store(z + i);
        for (; i < n; i++) z[i] = a * x[i] + b * y[i] + d;
    }

    private static void ScaleShift(float* x, float* y, int n, float scale, float shift)
    {
        if (Vector512.IsHardwareAccelerated) ScaleShift<V512>(x, y, n, scale, shift);
        else if (Vector256.IsHardwareAccelerated) ScaleShift<V256>(x, y, n, scale, shift);
        else ScaleShift<V128>(x, y, n, scale, shift);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScaleShift<TV>(float* x, float* y, int n, float scale, float shift) where TV : unmanaged, IVec<TV>
    {
        int i = 0;
        var vs = TV.Broadcast(scale);
        var vt = TV.Broadcast(shift);
        for (; i <= n - TV.Lanes; i += TV.Lanes) TV.MultiplyAdd(TV.Load(x + i), vs, vt).Store(y + i);
        for (; i < n; i++) y[i] = x[i] * scale + shift;
    }
}
