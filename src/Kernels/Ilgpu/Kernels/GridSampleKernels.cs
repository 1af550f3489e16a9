using ILGPU;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>Sizes of an affine-grid / grid-sample call.</summary>
internal readonly struct GridSampleArgs(int n, int c, int hin, int win, int hout, int wout, int alignCorners, int outputs)
{
    public readonly int N = n, C = c, Hin = hin, Win = win, Hout = hout, Wout = wout, AlignCorners = alignCorners;

    /// <summary>GridSampleBackward: bit 0 = write gx, bit 1 = write ggrid.</summary>
    public readonly int Outputs = outputs;
}

/// <summary>
/// The bilinear neighbourhood of one sample point, zeros padding: <see cref="BilinearTap"/> for views.
/// </summary>
internal struct DeviceBilinearTap
{
    public int X0, Y0;
    public float Fx, Fy;
    public bool In00, In01, In10, In11;

    public static DeviceBilinearTap At(float gridX, float gridY, int h, int w, bool alignCorners)
    {
        float ix = SamplingMath.Unnormalize(gridX, w, alignCorners);
        float iy = SamplingMath.Unnormalize(gridY, h, alignCorners);
        // As BilinearTap: far-off coordinates are clamped just outside the image (all taps zero) so int casts can't overflow.
        ix = MathF.Min(MathF.Max(ix, -2f), w + 1f);
        iy = MathF.Min(MathF.Max(iy, -2f), h + 1f);
        int x0 = (int)MathF.Floor(ix), y0 = (int)MathF.Floor(iy);
        bool x0In = x0 >= 0 && x0 < w, x1In = x0 + 1 >= 0 && x0 + 1 < w;
        bool y0In = y0 >= 0 && y0 < h, y1In = y0 + 1 >= 0 && y0 + 1 < h;
        return new DeviceBilinearTap
        {
            X0 = x0, Y0 = y0, Fx = ix - x0, Fy = iy - y0,
            In00 = y0In && x0In, In01 = y0In && x1In, In10 = y1In && x0In, In11 = y1In && x1In,
        };
    }

    public readonly float Sample(ArrayView<float> image, int plane, int w)
    {
        int at = plane + Y0 * w + X0;
        float v00 = In00 ? image[at] : 0f;
        float v01 = In01 ? image[at + 1] : 0f;
        float v10 = In10 ? image[at + w] : 0f;
        float v11 = In11 ? image[at + w + 1] : 0f;
        return (1f - Fy) * ((1f - Fx) * v00 + Fx * v01) + Fy * ((1f - Fx) * v10 + Fx * v11);
    }

    /// <summary>Adds g times each tap weight into the gradient image with atomics (samples may share taps).</summary>
    public readonly void ScatterAtomic(ArrayView<float> gradient, int plane, int w, float g)
    {
        int at = plane + Y0 * w + X0;
        if (In00) Atomic.Add(ref gradient[at], g * (1f - Fy) * (1f - Fx));
        if (In01) Atomic.Add(ref gradient[at + 1], g * (1f - Fy) * Fx);
        if (In10) Atomic.Add(ref gradient[at + w], g * Fy * (1f - Fx));
        if (In11) Atomic.Add(ref gradient[at + w + 1], g * Fy * Fx);
    }

    /// <summary>Adds g * d(sample)/d(pixel x) and d/d(pixel y).</summary>
    public readonly void AccumulatePositionGradient(ArrayView<float> image, int plane, int w, float g, ref float gx, ref float gy)
    {
        int at = plane + Y0 * w + X0;
        float v00 = In00 ? image[at] : 0f;
        float v01 = In01 ? image[at + 1] : 0f;
        float v10 = In10 ? image[at + w] : 0f;
        float v11 = In11 ? image[at + w + 1] : 0f;
        gx += g * ((1f - Fy) * (v01 - v00) + Fy * (v11 - v10));
        gy += g * ((1f - Fx) * (v10 - v00) + Fx * (v11 - v01));
    }
}

/// <summary>
/// The spatial transformer: affine grids and bilinear grid sampling (PyTorch conventions, see
/// <see cref="SamplingMath"/>). One thread per output position handles every channel, so the tap
/// geometry is computed once.
/// </summary>
internal static class GridSampleKernels
{
    public static void AffineGrid(ArrayView<float> theta, ArrayView<float> grid, GridSampleArgs p)
    {
        bool align = p.AlignCorners != 0;
        int plane = p.Hout * p.Wout;
        int total = p.N * plane;
        for (int t = GridStride.Start; t < total; t += GridStride.Step)
        {
            int s = (int)(t / plane);
            int within = (int)(t - s * plane);
            int i = within / p.Wout, j = within - i * p.Wout;
            float xc = SamplingMath.BaseCoordinate(j, p.Wout, align);
            float yc = SamplingMath.BaseCoordinate(i, p.Hout, align);
            int th = s * 6;
            grid[t * 2] = theta[th] * xc + theta[th + 1] * yc + theta[th + 2];
            grid[t * 2 + 1] = theta[th + 3] * xc + theta[th + 4] * yc + theta[th + 5];
        }
    }

    /// <summary>One group per sample: six sums over the sample's grid points.</summary>
    public static void AffineGridBackward(ArrayView<float> ggrid, ArrayView<float> gtheta, GridSampleArgs p)
    {
        var shared = SharedMemory.Allocate<float>(2 * GroupReduce.MaxGroupSize);
        bool align = p.AlignCorners != 0;
        int plane = p.Hout * p.Wout;
        for (int s = Grid.IdxX; s < p.N; s += Grid.DimX)
        {
            float t0 = 0f, t1 = 0f, t2 = 0f, t3 = 0f, t4 = 0f, t5 = 0f;
            for (int e = Group.IdxX; e < plane; e += Group.DimX)
            {
                int i = e / p.Wout, j = e - i * p.Wout;
                float xc = SamplingMath.BaseCoordinate(j, p.Wout, align);
                float yc = SamplingMath.BaseCoordinate(i, p.Hout, align);
                int at = (s * plane + e) * 2;
                float gx = ggrid[at], gy = ggrid[at + 1];
                t0 += gx * xc; t1 += gx * yc; t2 += gx;
                t3 += gy * xc; t4 += gy * yc; t5 += gy;
            }
            GroupReduce.Sum2(shared, ref t0, ref t1);
            GroupReduce.Sum2(shared, ref t2, ref t3);
            GroupReduce.Sum2(shared, ref t4, ref t5);
            if (Group.IdxX == 0)
            {
                gtheta[s * 6] = t0; gtheta[s * 6 + 1] = t1; gtheta[s * 6 + 2] = t2;
                gtheta[s * 6 + 3] = t3; gtheta[s * 6 + 4] = t4; gtheta[s * 6 + 5] = t5;
            }
        }
    }

    public static void Sample(ArrayView<float> x, ArrayView<float> grid, ArrayView<float> y, GridSampleArgs p)
    {
        bool align = p.AlignCorners != 0;
        int outPlane = p.Hout * p.Wout;
        int total = p.N * outPlane;
        for (int t = GridStride.Start; t < total; t += GridStride.Step)
        {
            int s = (int)(t / outPlane);
            int within = (int)(t - s * outPlane);
            var tap = DeviceBilinearTap.At(grid[t * 2], grid[t * 2 + 1], p.Hin, p.Win, align);
            int inPlane = p.Hin * p.Win;
            for (int ch = 0; ch < p.C; ch++)
                y[(s * p.C + ch) * outPlane + within] = tap.Sample(x, (s * p.C + ch) * inPlane, p.Win);
        }
    }

    /// <summary>ggrid per output position; gx by atomic scatter into memory the host zeroed.</summary>
    public static void SampleBackward(ArrayView<float> x, ArrayView<float> grid, ArrayView<float> gy,
                                      ArrayView<float> gx, ArrayView<float> ggrid, GridSampleArgs p)
    {
        bool align = p.AlignCorners != 0;
        bool wantInput = (p.Outputs & 1) != 0, wantGrid = (p.Outputs & 2) != 0;
        float scaleX = SamplingMath.UnnormalizeScale(p.Win, align), scaleY = SamplingMath.UnnormalizeScale(p.Hin, align);
        int outPlane = p.Hout * p.Wout;
        int inPlane = p.Hin * p.Win;
        int total = p.N * outPlane;
        for (int t = GridStride.Start; t < total; t += GridStride.Step)
        {
            int s = (int)(t / outPlane);
            int within = (int)(t - s * outPlane);
            var tap = DeviceBilinearTap.At(grid[t * 2], grid[t * 2 + 1], p.Hin, p.Win, align);
            float gix = 0f, giy = 0f;
            for (int ch = 0; ch < p.C; ch++)
            {
                int plane = (s * p.C + ch) * inPlane;
                float g = gy[(s * p.C + ch) * outPlane + within];
                if (wantInput) tap.ScatterAtomic(gx, plane, p.Win, g);
                if (wantGrid) tap.AccumulatePositionGradient(x, plane, p.Win, g, ref gix, ref giy);
            }
            if (wantGrid)
            {
                ggrid[t * 2] = gix * scaleX;
                ggrid[t * 2 + 1] = giy * scaleY;
            }
        }
    }
}
