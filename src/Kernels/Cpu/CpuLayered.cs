using System.Runtime.Intrinsics;

namespace KernelGan.Kernels.Cpu;

/// <summary>Fused kernels of the layered GAN: alpha compositing, the CLUB L1 statistic, row gathers.</summary>
public sealed unsafe partial class CpuBackend
{
    public void Composite(DeviceBuffer m, DeviceBuffer fg, DeviceBuffer bg, DeviceBuffer y, int n, int c, int hw)
    {
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
        float* pm = Ptr(m), pf = Ptr(fg), pb = Ptr(bg), pg = Ptr(gy);
        float* pgm = PtrOrNull(gm), pgf = PtrOrNull(gfg), pgb = PtrOrNull(gbg);
        CpuParallel.For(n, 1, (s0, s1) =>
        {
            for (int s = s0; s < s1; s++)
            {
                float* mask = pm + (long)s * hw;
                float* gMask = pgm == null ? null : pgm + (long)s * hw;
                if (gMask != null) new Span<float>(gMask, hw).Clear();
                for (int ch = 0; ch < c; ch++)
                {
                    long o = ((long)s * c + ch) * hw;
                    for (int i = 0; i < hw; i++)
                    {
                        float g = pg[o + i], mv = mask[i];
                        if (gMask != null) gMask[i] += g * (pf[o + i] - pb[o + i]);
                        if (pgf != null) pgf[o + i] = g * mv;
                        if (pgb != null) pgb[o + i] = g * (1f - mv);
                    }
                }
            }
        });
    }

    public void RowL1Distance(DeviceBuffer x, DeviceBuffer y, IndexBuffer? perm, DeviceBuffer output, int n, int d)
    {
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
        float* px = Ptr(x), py = Ptr(y), pgo = Ptr(gOutput), pgx = PtrOrNull(gx), pgy = PtrOrNull(gy);
        int[]? p = perm is null ? null : Idx(perm);
        CpuParallel.For(n, 1, (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                int src = p is null ? r : p[r];
                float* xr = px + (long)src * d, yr = py + (long)r * d;
                float scale = pgo[r] / d;
                for (int i = 0; i < d; i++)
                {
                    float diff = xr[i] - yr[i];
                    float g = diff > 0f ? scale : diff < 0f ? -scale : 0f;
                    if (pgx != null) pgx[(long)src * d + i] = g;
                    if (pgy != null) pgy[(long)r * d + i] = -g;
                }
            }
        });
    }

    public void GatherRows(DeviceBuffer x, IndexBuffer index, DeviceBuffer y, int rows, int rowLength)
    {
        float* px = Ptr(x), py = Ptr(y);
        int[] idx = Idx(index);
        for (int r = 0; r < rows; r++)
            new Span<float>(px + (long)idx[r] * rowLength, rowLength).CopyTo(new Span<float>(py + (long)r * rowLength, rowLength));
    }

    public void ScatterAddRows(DeviceBuffer gy, IndexBuffer index, DeviceBuffer gx, int rows, int sourceRows, int rowLength)
    {
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
