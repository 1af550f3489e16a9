namespace KernelGan.Kernels.Cpu;

/// <summary>
/// The spatial transformer: affine sampling grids and bilinear grid sampling with zeros padding,
/// PyTorch's conventions. Work is split per sample, so the scattered input gradient never races.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    public void AffineGrid(DeviceBuffer theta, DeviceBuffer grid, int n, int h, int w, bool alignCorners)
    {
        using var alive = Alive(theta, grid);
        float* pt = Ptr(theta), pg = Ptr(grid);
        CpuParallel.For(n, 1, (s0, s1) =>
        {
            for (int s = s0; s < s1; s++)
            {
                float* t = pt + s * 6;
                float* g = pg + (long)s * h * w * 2;
                for (int i = 0; i < h; i++)
                {
                    float yc = SamplingMath.BaseCoordinate(i, h, alignCorners);
                    for (int j = 0; j < w; j++)
                    {
                        float xc = SamplingMath.BaseCoordinate(j, w, alignCorners);
                        g[(i * w + j) * 2] = t[0] * xc + t[1] * yc + t[2];
                        g[(i * w + j) * 2 + 1] = t[3] * xc + t[4] * yc + t[5];
                    }
                }
            }
        });
    }

    public void AffineGridBackward(DeviceBuffer ggrid, DeviceBuffer gtheta, int n, int h, int w, bool alignCorners)
    {
        using var alive = Alive(ggrid, gtheta);
        float* pg = Ptr(ggrid), pt = Ptr(gtheta);
        CpuParallel.For(n, 1, (s0, s1) =>
        {
            for (int s = s0; s < s1; s++)
            {
                double t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5 = 0;
                float* g = pg + (long)s * h * w * 2;
                for (int i = 0; i < h; i++)
                {
                    float yc = SamplingMath.BaseCoordinate(i, h, alignCorners);
                    for (int j = 0; j < w; j++)
                    {
                        float xc = SamplingMath.BaseCoordinate(j, w, alignCorners);
                        float gx = g[(i * w + j) * 2], gy = g[(i * w + j) * 2 + 1];
                        t0 += gx * xc; t1 += gx * yc; t2 += gx;
                        t3 += gy * xc; t4 += gy * yc; t5 += gy;
                    }
                }
                float* t = pt + s * 6;
                t[0] = (float)t0; t[1] = (float)t1; t[2] = (float)t2;
                t[3] = (float)t3; t[4] = (float)t4; t[5] = (float)t5;
            }
        });
    }

    public void GridSample(DeviceBuffer x, DeviceBuffer grid, DeviceBuffer y, int n, int c, int hin, int win, int hout, int wout, bool alignCorners)
    {
        using var alive = Alive(x, grid, y);
        float* px = Ptr(x), pg = Ptr(grid), py = Ptr(y);
        CpuParallel.For(n * hout, 4, (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                int s = r / hout, i = r % hout;
                float* image = px + (long)s * c * hin * win;
                for (int j = 0; j < wout; j++)
                {
                    long gi = ((long)(s * hout + i) * wout + j) * 2;
                    var tap = BilinearTap.At(pg[gi], pg[gi + 1], hin, win, alignCorners);
                    for (int ch = 0; ch < c; ch++)
                        py[((long)(s * c + ch) * hout + i) * wout + j] = tap.Sample(image + (long)ch * hin * win, win);
                }
            }
        });
    }

    public void GridSampleBackward(DeviceBuffer x, DeviceBuffer grid, DeviceBuffer gy, DeviceBuffer? gx, DeviceBuffer? ggrid,
                                   int n, int c, int hin, int win, int hout, int wout, bool alignCorners)
    {
        using var alive = Alive(x, grid, gy, gx, ggrid);
        float* px = Ptr(x), pg = Ptr(grid), pgy = Ptr(gy), pgx = PtrOrNull(gx), pgg = PtrOrNull(ggrid);
        float sx = SamplingMath.UnnormalizeScale(win, alignCorners), sy = SamplingMath.UnnormalizeScale(hin, alignCorners);
        CpuParallel.For(n, 1, (s0, s1) =>
        {
            for (int s = s0; s < s1; s++)
            {
                float* image = px + (long)s * c * hin * win;
                float* gImage = pgx == null ? null : pgx + (long)s * c * hin * win;
                if (gImage != null) new Span<float>(gImage, c * hin * win).Clear();
                for (int i = 0; i < hout; i++)
                for (int j = 0; j < wout; j++)
                {
                    long gi = ((long)(s * hout + i) * wout + j) * 2;
                    var tap = BilinearTap.At(pg[gi], pg[gi + 1], hin, win, alignCorners);
                    float gix = 0f, giy = 0f;
                    for (int ch = 0; ch < c; ch++)
                    {
                        float g = pgy[((long)(s * c + ch) * hout + i) * wout + j];
                        if (gImage != null) tap.Scatter(gImage + (long)ch * hin * win, win, g);
                        if (pgg != null) tap.AccumulatePositionGradient(image + (long)ch * hin * win, win, g, ref gix, ref giy);
                    }
                    if (pgg != null)
                    {
                        pgg[gi] = gix * sx;
                        pgg[gi + 1] = giy * sy;
                    }
                }
            }
        });
    }
}
