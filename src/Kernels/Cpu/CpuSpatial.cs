namespace KernelGan.Kernels.Cpu;

/// <summary>Resampling kernels: translation, nearest/bilinear resize, average pooling. Parallel over planes.</summary>
public sealed unsafe partial class CpuBackend
{
    public void Translate(DeviceBuffer x, DeviceBuffer y, int n, int c, int h, int w, IndexBuffer dx, IndexBuffer dy)
    {
        using var alive = Alive(x, y);
        float* px = Ptr(x), py = Ptr(y);
        int[] sx = Idx(dx), sy = Idx(dy);
        CpuParallel.For(n * c, 8, (p0, p1) =>
        {
            for (int p = p0; p < p1; p++)
            {
                int s = p / c, ox = sx[s], oy = sy[s];
                float* src = px + (long)p * h * w, dst = py + (long)p * h * w;
                for (int i = 0; i < h; i++)
                {
                    float* line = dst + i * w;
                    int si = i - oy;
                    if ((uint)si >= (uint)h) { new Span<float>(line, w).Clear(); continue; }
                    // Columns j with 0 <= j - ox < w copy; the rest are zero.
                    int j0 = Math.Clamp(ox, 0, w), j1 = Math.Clamp(w + ox, 0, w);
                    new Span<float>(line, j0).Clear();
                    if (j1 > j0) new Span<float>(src + si * w + (j0 - ox), j1 - j0).CopyTo(new Span<float>(line + j0, j1 - j0));
                    new Span<float>(line + Math.Max(j0, j1), w - Math.Max(j0, j1)).Clear();
                }
            }
        });
    }

    public void UpsampleNearest(DeviceBuffer x, DeviceBuffer y, int n, int c, int h, int w, int factor)
    {
        using var alive = Alive(x, y);
        float* px = Ptr(x), py = Ptr(y);
        int ow = w * factor, oh = h * factor;
        CpuParallel.For(n * c, 8, (p0, p1) =>
        {
            for (int p = p0; p < p1; p++)
            {
                float* src = px + (long)p * h * w, dst = py + (long)p * oh * ow;
                if (factor == 2) { UpsampleLines2(src, dst, h, w); continue; }
                for (int i = 0; i < oh; i++)
                {
                    float* srcLine = src + (i / factor) * w, dstLine = dst + i * ow;
                    for (int j = 0; j < ow; j++) dstLine[j] = srcLine[j / factor];
                }
            }
        });
    }

    public void UpsampleNearestBackward(DeviceBuffer gy, DeviceBuffer gx, int n, int c, int h, int w, int factor)
    {
        using var alive = Alive(gy, gx);
        float* pgy = Ptr(gy), pgx = Ptr(gx);
        int ow = w * factor, oh = h * factor;
        CpuParallel.For(n * c, 8, (p0, p1) =>
        {
            for (int p = p0; p < p1; p++)
            {
                float* src = pgy + (long)p * oh * ow, dst = pgx + (long)p * h * w;
                if (factor == 2) { SumBlocks2(src, dst, h, w); continue; }
                new Span<float>(dst, h * w).Clear();
                for (int i = 0; i < oh; i++)
                {
                    float* srcLine = src + i * ow, dstLine = dst + (i / factor) * w;
                    for (int j = 0; j < ow; j++) dstLine[j / factor] += srcLine[j];
                }
            }
        });
    }

    // Factor 2 is what the generators use (StyleBranch upsamples every stage, twice per stage in
    // its backward): these loops have no integer division and, backward, no read-modify-write
    // chain through the output, which the general loops above pay per element.
    private static void UpsampleLines2(float* src, float* dst, int h, int w)
    {
        int ow = 2 * w;
        for (int i = 0; i < h; i++)
        {
            float* s = src + i * w, d0 = dst + 2 * i * ow, d1 = d0 + ow;
            for (int j = 0; j < w; j++) d0[2 * j] = d0[2 * j + 1] = s[j];
            new Span<float>(d0, ow).CopyTo(new Span<float>(d1, ow));
        }
    }

    private static void SumBlocks2(float* src, float* dst, int h, int w)
    {
        int ow = 2 * w;
        for (int i = 0; i < h; i++)
        {
            float* s0 = src + 2 * i * ow, s1 = s0 + ow, d = dst + i * w;
            for (int j = 0; j < w; j++) d[j] = s0[2 * j] + s0[2 * j + 1] + s1[2 * j] + s1[2 * j + 1]; // the general loop's order, so sums are unchanged bit for bit
        }
    }

    public void UpsampleBilinear(DeviceBuffer x, DeviceBuffer y, int n, int c, int h, int w, int outH, int outW, bool alignCorners)
    {
        using var alive = Alive(x, y);
        float* px = Ptr(x), py = Ptr(y);
        var (y0, y1, ly) = ResizeTaps(h, outH, alignCorners);
        var (x0, x1, lx) = ResizeTaps(w, outW, alignCorners);
        CpuParallel.For(n * c, 8, (p0, p1) =>
        {
            for (int p = p0; p < p1; p++)
            {
                float* src = px + (long)p * h * w, dst = py + (long)p * outH * outW;
                for (int i = 0; i < outH; i++)
                {
                    float* r0 = src + y0[i] * w, r1 = src + y1[i] * w;
                    float wy = ly[i];
                    for (int j = 0; j < outW; j++)
                    {
                        float top = r0[x0[j]] + lx[j] * (r0[x1[j]] - r0[x0[j]]);
                        float bottom = r1[x0[j]] + lx[j] * (r1[x1[j]] - r1[x0[j]]);
                        dst[i * outW + j] = top + wy * (bottom - top);
                    }
                }
            }
        });
    }

    public void UpsampleBilinearBackward(DeviceBuffer gy, DeviceBuffer gx, int n, int c, int h, int w, int outH, int outW, bool alignCorners)
    {
        using var alive = Alive(gy, gx);
        float* pgy = Ptr(gy), pgx = Ptr(gx);
        var (y0, y1, ly) = ResizeTaps(h, outH, alignCorners);
        var (x0, x1, lx) = ResizeTaps(w, outW, alignCorners);
        CpuParallel.For(n * c, 8, (p0, p1) =>
        {
            for (int p = p0; p < p1; p++)
            {
                float* src = pgy + (long)p * outH * outW, dst = pgx + (long)p * h * w;
                new Span<float>(dst, h * w).Clear();
                for (int i = 0; i < outH; i++)
                {
                    float* r0 = dst + y0[i] * w, r1 = dst + y1[i] * w;
                    float wy = ly[i];
                    for (int j = 0; j < outW; j++)
                    {
                        float g = src[i * outW + j];
                        float gTop = g * (1f - wy), gBottom = g * wy;
                        r0[x0[j]] += gTop * (1f - lx[j]);
                        r0[x1[j]] += gTop * lx[j];
                        r1[x0[j]] += gBottom * (1f - lx[j]);
                        r1[x1[j]] += gBottom * lx[j];
                    }
                }
            }
        });
    }

    /// <summary>For each output index: the two source taps and the weight of the second.</summary>
    private static (int[] I0, int[] I1, float[] Lambda) ResizeTaps(int inSize, int outSize, bool alignCorners)
    {
        var i0 = new int[outSize];
        var i1 = new int[outSize];
        var lambda = new float[outSize];
        for (int d = 0; d < outSize; d++)
        {
            float src = SamplingMath.ResizeSource(d, inSize, outSize, alignCorners);
            int lo = Math.Min((int)src, inSize - 1);
            i0[d] = lo;
            i1[d] = Math.Min(lo + 1, inSize - 1);
            lambda[d] = src - lo;
        }
        return (i0, i1, lambda);
    }

    public void AvgPool2d(DeviceBuffer x, DeviceBuffer y, int n, int c, int h, int w, int k, int stride)
    {
        using var alive = Alive(x, y);
        float* px = Ptr(x), py = Ptr(y);
        int oh = (h - k) / stride + 1, ow = (w - k) / stride + 1;
        float inv = 1f / (k * k);
        CpuParallel.For(n * c, 8, (p0, p1) =>
        {
            for (int p = p0; p < p1; p++)
            {
                float* src = px + (long)p * h * w, dst = py + (long)p * oh * ow;
                for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    float s = 0f;
                    for (int a = 0; a < k; a++)
                    for (int b = 0; b < k; b++) s += src[(i * stride + a) * w + j * stride + b];
                    dst[i * ow + j] = s * inv;
                }
            }
        });
    }

    public void AvgPool2dBackward(DeviceBuffer gy, DeviceBuffer gx, int n, int c, int h, int w, int k, int stride)
    {
        using var alive = Alive(gy, gx);
        float* pgy = Ptr(gy), pgx = Ptr(gx);
        int oh = (h - k) / stride + 1, ow = (w - k) / stride + 1;
        float inv = 1f / (k * k);
        CpuParallel.For(n * c, 8, (p0, p1) =>
        {
            for (int p = p0; p < p1; p++)
            {
                float* src = pgy + (long)p * oh * ow, dst = pgx + (long)p * h * w;
                new Span<float>(dst, h * w).Clear();
                for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    float g = src[i * ow + j] * inv;
                    for (int a = 0; a < k; a++)
                    for (int b = 0; b < k; b++) dst[(i * stride + a) * w + j * stride + b] += g;
                }
            }
        });
    }
}
