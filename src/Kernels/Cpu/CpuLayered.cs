using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using KernelGan.Kernels.Cpu.Simd;

namespace KernelGan.Kernels.Cpu;

/// <summary>Fused kernels of the layered GAN: alpha compositing, the CLUB L1 statistic, row gathers.</summary>
public sealed unsafe partial class CpuBackend
{
    public void Composite(DeviceBuffer m, DeviceBuffer fg, DeviceBuffer bg, DeviceBuffer y, int n, int c, int hw)
    {
        using var alive = Alive(m, fg, bg, y);
        float* pm = Ptr(m), pf = Ptr(fg), pb = Ptr(bg), py = Ptr(y);
        CpuParallel.For(n * c, Math.Max(1, PointwiseGrain / Math.Max(1, hw)), (p0, p1) =>
        {
            for (int p = p0; p < p1; p++)
            {
                float* mask = pm + (long)(p / c) * hw;
                long o = (long)p * hw;
                int i = Vector512.IsHardwareAccelerated ? CompositeVector<V512>(mask, pf + o, pb + o, py + o, hw)
                    : Vector256.IsHardwareAccelerated ? CompositeVector<V256>(mask, pf + o, pb + o, py + o, hw)
                    : CompositeVector<V128>(mask, pf + o, pb + o, py + o, hw);
                for (; i < hw; i++) py[o + i] = pb[o + i] + mask[i] * (pf[o + i] - pb[o + i]);
            }
        });
    }

    /// <summary>y = bg + m * (fg - bg) over whole registers; returns where the scalar tail starts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int CompositeVector<TV>(float* mask, float* fg, float* bg, float* y, int hw) where TV : unmanaged, IVec<TV>
    {
        int i = 0;
        for (; i <= hw - TV.Lanes; i += TV.Lanes)
        {
            var vb = TV.Load(bg + i);
            TV.MultiplyAdd(TV.Load(mask + i), TV.Load(fg + i) - vb, vb).Store(y + i);
        }
        return i;
    }

    public void CompositeBackward(DeviceBuffer m, DeviceBuffer fg, DeviceBuffer bg, DeviceBuffer gy,
                                  DeviceBuffer? gm, DeviceBuffer? gfg, DeviceBuffer? gbg, int n, int c, int hw)
    {
        using var alive = Alive(m, fg, bg, gy, gm, gfg, gbg);
        float* pm = Ptr(m), pf = Ptr(fg), pb = Ptr(bg), pg = Ptr(gy);
        float* pgm = PtrOrNull(gm), pgf = PtrOrNull(gfg), pgb = PtrOrNull(gbg);
        CpuParallel.For(n, 1, (s0, s1) =>
        {
            for (int s = s0; s < s1; s++)
            {
                float* mask = pm + (long)s * hw;
                float* gMask = pgm == null ? null : pgm + (long)s * hw;
                for (int ch = 0; ch < c; ch++)
                {
                    long o = ((long)s * c + ch) * hw;
                    // The mask gradient sums over channels: the first channel writes it, the rest add.
                    CompositeBackwardPlane(mask, pf + o, pb + o, pg + o, gMask, ch > 0,
                                           pgf == null ? null : pgf + o, pgb == null ? null : pgb + o, hw);
                }
                if (c == 0 && gMask != null) new Span<float>(gMask, hw).Clear();
            }
        });
    }

    private static void CompositeBackwardPlane(float* mask, float* fg, float* bg, float* gy, float* gMask, bool accumulate,
                                               float* gFg, float* gBg, int hw)
    {
        if (Vector512.IsHardwareAccelerated) CompositeBackwardPlane<V512>(mask, fg, bg, gy, gMask, accumulate, gFg, gBg, hw);
        else if (Vector256.IsHardwareAccelerated) CompositeBackwardPlane<V256>(mask, fg, bg, gy, gMask, accumulate, gFg, gBg, hw);
        else CompositeBackwardPlane<V128>(mask, fg, bg, gy, gMask, accumulate, gFg, gBg, hw);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CompositeBackwardPlane<TV>(float* mask, float* fg, float* bg, float* gy, float* gMask, bool accumulate,
                                                   float* gFg, float* gBg, int hw) where TV : unmanaged, IVec<TV>
    {
        int i = 0;
        for (; i <= hw - TV.Lanes; i += TV.Lanes)
        {
            var g = TV.Load(gy + i);
            var mv = TV.Load(mask + i);
            if (gMask != null)
            {
                var d = g * (TV.Load(fg + i) - TV.Load(bg + i));
                (accumulate ? TV.Load(gMask + i) + d : d).Store(gMask + i);
            }
            if (gFg != null) (g * mv).Store(gFg + i);
            if (gBg != null) (g - g * mv).Store(gBg + i);
        }
        for (; i < hw; i++)
        {
            float g = gy[i], mv = mask[i];
            if (gMask != null)
            {
                float d = g * (fg[i] - bg[i]);
                gMask[i] = accumulate ? gMask[i] + d : d;
            }
            if (gFg != null) gFg[i] = g * mv;
            if (gBg != null) gBg[i] = g * (1f - mv);
        }
    }

    public void RowL1Distance(DeviceBuffer x, DeviceBuffer y, IndexBuffer? perm, DeviceBuffer output, int n, int d)
    {
        using var alive = Alive(x, y, output);
        float* px = Ptr(x), py = Ptr(y), po = Ptr(output);
        int[]? p = perm is null ? null : Idx(perm);
        CpuParallel.For(n, 1, (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                float* xr = px + (long)(p is null ? r : p[r]) * d, yr = py + (long)r * d;
                po[r] = RowL1(xr, yr, d) / d;
            }
        });
    }

    private static float RowL1(float* x, float* y, int d) =>
        Vector512.IsHardwareAccelerated ? RowL1<V512>(x, y, d)
        : Vector256.IsHardwareAccelerated ? RowL1<V256>(x, y, d)
        : RowL1<V128>(x, y, d);

    /// <summary>sum_i |x[i] - y[i]|.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float RowL1<TV>(float* x, float* y, int d) where TV : unmanaged, IVec<TV>
    {
        int i = 0;
        var acc = TV.Zero;
        for (; i <= d - TV.Lanes; i += TV.Lanes) acc += TV.Abs(TV.Load(x + i) - TV.Load(y + i));
        float s = acc.Sum();
        for (; i < d; i++) s += MathF.Abs(x[i] - y[i]);
        return s;
    }

    public void RowL1DistanceBackward(DeviceBuffer x, DeviceBuffer y, IndexBuffer? perm, DeviceBuffer gOutput,
                                      DeviceBuffer? gx, DeviceBuffer? gy, int n, int d)
    {
        using var alive = Alive(x, y, gOutput, gx, gy);
        float* px = Ptr(x), py = Ptr(y), pgo = Ptr(gOutput), pgx = PtrOrNull(gx), pgy = PtrOrNull(gy);
        int[]? p = perm is null ? null : Idx(perm);
        CpuParallel.For(n, 1, (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                int src = p is null ? r : p[r];
                RowL1Gradient(px + (long)src * d, py + (long)r * d, pgo[r] / d,
                              pgx == null ? null : pgx + (long)src * d, pgy == null ? null : pgy + (long)r * d, d);
            }
        });
    }

    /// <summary>gx = scale * sign(x - y), gy = -gx (sign(0) = 0).</summary>
    private static void RowL1Gradient(float* x, float* y, float scale, float* gx, float* gy, int d)
    {
        if (Vector512.IsHardwareAccelerated) RowL1Gradient<V512>(x, y, scale, gx, gy, d);
        else if (Vector256.IsHardwareAccelerated) RowL1Gradient<V256>(x, y, scale, gx, gy, d);
        else RowL1Gradient<V128>(x, y, scale, gx, gy, d);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowL1Gradient<TV>(float* x, float* y, float scale, float* gx, float* gy, int d) where TV : unmanaged, IVec<TV>
    {
        int i = 0;
        var up = TV.Broadcast(scale);
        var down = TV.Broadcast(-scale);
        for (; i <= d - TV.Lanes; i += TV.Lanes)
        {
            var diff = TV.Load(x + i) - TV.Load(y + i);
            var g = (up & TV.GreaterThan(diff, TV.Zero)) | (down & TV.LessThan(diff, TV.Zero));
            if (gx != null) g.Store(gx + i);
            if (gy != null) (-g).Store(gy + i);
        }
        for (; i < d; i++)
        {
            float diff = x[i] - y[i];
            float g = diff > 0f ? scale : diff < 0f ? -scale : 0f;
            if (gx != null) gx[i] = g;
            if (gy != null) gy[i] = -g;
        }
    }

    public void GatherRows(DeviceBuffer x, IndexBuffer index, DeviceBuffer y, int rows, int rowLength)
    {
        using var alive = Alive(x, y);
        float* px = Ptr(x), py = Ptr(y);
        int[] idx = Idx(index);
        for (int r = 0; r < rows; r++)
            new Span<float>(px + (long)idx[r] * rowLength, rowLength).CopyTo(new Span<float>(py + (long)r * rowLength, rowLength));
    }

    public void ScatterAddRows(DeviceBuffer gy, IndexBuffer index, DeviceBuffer gx, int rows, int sourceRows, int rowLength)
    {
        using var alive = Alive(gy, gx);
        float* pgy = Ptr(gy), pgx = Ptr(gx);
        int[] idx = Idx(index);
        new Span<float>(pgx, sourceRows * rowLength).Clear();
        for (int r = 0; r < rows; r++)
        {
            float* dst = pgx + (long)idx[r] * rowLength, src = pgy + (long)r * rowLength;
            for (int i = 0; i < rowLength; i++) dst[i] += src[i];
        }
    }
}
