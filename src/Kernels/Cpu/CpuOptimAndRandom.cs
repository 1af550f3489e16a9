using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using KernelGan.Kernels.Cpu.Simd;

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
            if (Vector512.IsHardwareAccelerated) AdamRange<V512>(pp, pg, pm, pv, s, e, stepSize, beta1, beta2, epsHat, decay, l2);
            else if (Vector256.IsHardwareAccelerated) AdamRange<V256>(pp, pg, pm, pv, s, e, stepSize, beta1, beta2, epsHat, decay, l2);
            else AdamRange<V128>(pp, pg, pm, pv, s, e, stepSize, beta1, beta2, epsHat, decay, l2);
        });
    }

    public void AdamStepSegments(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v, ReadOnlySpan<BufferSegment> segments,
                                 float stepSize, float beta1, float beta2, float epsHat, float weightDecay, float lr, bool decoupled)
    {
        using var alive = Alive(param, grad, m, v);
        BufferSegment.Validate(segments, Math.Min(Math.Min(param.Length, grad.Length), Math.Min(m.Length, v.Length)), "adam (segments)");
        float* pp = Ptr(param), pg = Ptr(grad), pm = Ptr(m), pv = Ptr(v);
        float decay = decoupled ? 1f - lr * weightDecay : 1f;
        float l2 = decoupled ? 0f : weightDecay;
        var (offsets, counts) = Split(segments);
        // Each chunk starts at its segment's base, where the per-tensor call's buffers begin: the
        // same SIMD body and scalar tail per element, so the same bits as one AdamStep per tensor.
        CpuParallel.ForSegments(counts, PointwiseGrain, (seg, s, e) =>
        {
            long o = offsets[seg];
            if (Vector512.IsHardwareAccelerated) AdamRange<V512>(pp + o, pg + o, pm + o, pv + o, s, e, stepSize, beta1, beta2, epsHat, decay, l2);
            else if (Vector256.IsHardwareAccelerated) AdamRange<V256>(pp + o, pg + o, pm + o, pv + o, s, e, stepSize, beta1, beta2, epsHat, decay, l2);
            else AdamRange<V128>(pp + o, pg + o, pm + o, pv + o, s, e, stepSize, beta1, beta2, epsHat, decay, l2);
        });
    }

    public void AxpbySegments(float alpha, DeviceBuffer x, float beta, DeviceBuffer y, ReadOnlySpan<BufferSegment> segments)
    {
        using var alive = Alive(x, y);
        BufferSegment.Validate(segments, Math.Min(x.Length, y.Length), "axpby (segments)");
        float* px = Ptr(x), py = Ptr(y);
        var (offsets, counts) = Split(segments);
        CpuParallel.ForSegments(counts, PointwiseGrain, (seg, s, e) =>
        {
            long o = offsets[seg];
            if (Vector512.IsHardwareAccelerated) AxpbyRange<V512>(alpha, px + o, beta, py + o, s, e);
            else if (Vector256.IsHardwareAccelerated) AxpbyRange<V256>(alpha, px + o, beta, py + o, s, e);
            else AxpbyRange<V128>(alpha, px + o, beta, py + o, s, e);
        });
    }

    private static (int[] Offsets, int[] Counts) Split(ReadOnlySpan<BufferSegment> segments)
    {
        var offsets = new int[segments.Length];
        var counts = new int[segments.Length];
        for (int i = 0; i < segments.Length; i++) (offsets[i], counts[i]) = (segments[i].Offset, segments[i].Length);
        return (offsets, counts);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AdamRange<TV>(float* pp, float* pg, float* pm, float* pv, int s, int e,
                                      float stepSize, float beta1, float beta2, float epsHat, float decay, float l2)
        where TV : unmanaged, IVec<TV>
    {
        int i = s;
        var b1 = TV.Broadcast(beta1); var c1 = TV.Broadcast(1f - beta1);
        var b2 = TV.Broadcast(beta2); var c2 = TV.Broadcast(1f - beta2);
        var step = TV.Broadcast(stepSize); var eps = TV.Broadcast(epsHat);
        var vDecay = TV.Broadcast(decay); var vL2 = TV.Broadcast(l2);
        for (; i <= e - TV.Lanes; i += TV.Lanes)
        {
            var p = TV.Load(pp + i);
            var g = TV.MultiplyAdd(vL2, p, TV.Load(pg + i));
            var mm = TV.MultiplyAdd(b1, TV.Load(pm + i), c1 * g);
            var vv = TV.MultiplyAdd(b2, TV.Load(pv + i), c2 * g * g);
            mm.Store(pm + i);
            vv.Store(pv + i);
            (p * vDecay - step * mm / (TV.Sqrt(vv) + eps)).Store(pp + i);
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
