using System.Runtime.Intrinsics;

namespace KernelGan.Kernels.Cpu;

public sealed unsafe partial class CpuBackend
{
    public void AdamStep(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v, int n,
                         float stepSize, float beta1, float beta2, float epsHat, float weightDecay, float lr, bool decoupled)
    {
        using var alive = Alive(param, grad, m, v);
        float* pp = Ptr(param), pg = Ptr(grad), pm = Ptr(m), pv = Ptr(v);
        float decay = decoupled ? 1f - lr * weightDecay : 1f;
        float l2 = decoupled ? 0f : weightDecay;
        CpuParallel.For(n, PointwiseGrain, (s, e) =>
        {
            int i = s;
            if (Vector512.IsHardwareAccelerated)
            {
                var b1 = Vector512.Create(beta1); var c1 = Vector512.Create(1f - beta1);
                var b2 = Vector512.Create(beta2); var c2 = Vector512.Create(1f - beta2);
                var step = Vector512.Create(stepSize); var eps = Vector512.Create(epsHat);
                var vDecay = Vector512.Create(decay); var vL2 = Vector512.Create(l2);
                for (; i <= e - 16; i += 16)
                {
                    var p = Vector512.Load(pp + i);
                    var g = Vector512.FusedMultiplyAdd(vL2, p, Vector512.Load(pg + i));
                    var mm = Vector512.FusedMultiplyAdd(b1, Vector512.Load(pm + i), c1 * g);
                    var vv = Vector512.FusedMultiplyAdd(b2, Vector512.Load(pv + i), c2 * g * g);
                    mm.Store(pm + i);
                    vv.Store(pv + i);
                    Vector512.Store(p * vDecay - step * mm / (Vector512.Sqrt(vv) + eps), pp + i);
                }
            }
            for (; i < e; i++)
            {
                float p = pp[i];
                float g = pg[i] + l2 * p;
                float mm = beta1 * pm[i] + (1f - beta1) * g;
                float vv = beta2 * pv[i] + (1f - beta2) * g * g;
                pm[i] = mm;
                pv[i] = vv;
                pp[i] = p * decay - stepSize * mm / (MathF.Sqrt(vv) + epsHat);
            }
        });
    }

    public void FillUniform(DeviceBuffer buffer, int n, ulong seed, ulong offset, float lo, float hi)
    {
        using var alive = Alive(buffer);
        float* p = Ptr(buffer);
        float range = hi - lo;
        CpuParallel.For((n + 3) / 4, 2048, (b0, b1) =>
        {
            for (int blk = b0; blk < b1; blk++)
            {
                Philox.Block(seed, offset + (ulong)blk, out uint r0, out uint r1, out uint r2, out uint r3);
                int i = blk * 4;
                p[i] = lo + range * Philox.ToUnit(r0);
                if (i + 1 < n) p[i + 1] = lo + range * Philox.ToUnit(r1);
                if (i + 2 < n) p[i + 2] = lo + range * Philox.ToUnit(r2);
                if (i + 3 < n) p[i + 3] = lo + range * Philox.ToUnit(r3);
            }
        });
    }

    public void FillNormal(DeviceBuffer buffer, int n, ulong seed, ulong offset, float mean, float std)
    {
        using var alive = Alive(buffer);
        float* p = Ptr(buffer);
        CpuParallel.For(n, 4096, (s, e) =>
        {
            for (int i = s; i < e; i++) p[i] = mean + std * Philox.Normal(seed, offset, i);
        });
    }
}
