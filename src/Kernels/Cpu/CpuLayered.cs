using System.Runtime.Intrinsics;

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
                int i = 0;
                if (Vector512.IsHardwareAccelerated)
                    for (; i <= hw - 16; i += 16)
                    {
                        var vm = Vector512.Load(mask + i);
                        var vb = Vector512.Load(pb + o + i);
                        Vector512.Store(Vector512.FusedMultiplyAdd(vm, Vector512.Load(pf + o + i) - vb, vb), py + o + i);
                    }
                for (; i < hw; i++) py[o + i] = pb[o + i] + mask[i] * (pf[o + i] - pb[o + i]);
            }
        });
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
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= hw - 16; i += 16)
            {
                var g = Vector512.Load(gy + i);
                var mv = Vector512.Load(mask + i);
                if (gMask != null)
                {
                    var d = g * (Vector512.Load(fg + i) - Vector512.Load(bg + i));
                    Vector512.Store(accumulate ? Vector512.Load(gMask + i) + d : d, gMask + i);
                }
                if (gFg != null) Vector512.Store(g * mv, gFg + i);
                if (gBg != null) Vector512.Store(g - g * mv, gBg + i);
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
                int i = 0;
                float s = 0f;
                if (Vector512.IsHardwareAccelerated)
                {
                    Vector512<float> acc = default;
                    for (; i <= d - 16; i += 16) acc += Vector512.Abs(Vector512.Load(xr + i) - Vector512.Load(yr + i));
                    s = Vector512.Sum(acc);
                }
                for (; i < d; i++) s += MathF.Abs(xr[i] - yr[i]);
                po[r] = s / d;
            }
        });
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
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var up = Vector512.Create(scale);
            var down = Vector512.Create(-scale);
            for (; i <= d - 16; i += 16)
            {
                var diff = Vector512.Load(x + i) - Vector512.Load(y + i);
                var g = (up & Vector512.GreaterThan(diff, Vector512<float>.Zero)) | (down & Vector512.LessThan(diff, Vector512<float>.Zero));
                if (gx != null) Vector512.Store(g, gx + i);
                if (gy != null) Vector512.Store(-g, gy + i);
            }
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
