using ILGPU;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>Planes [N*C, H, W] and their resampled size.</summary>
internal readonly struct SpatialArgs(int planes, int channels, int h, int w, int outH, int outW, int factor, int stride, int alignCorners)
{
    public readonly int Planes = planes, Channels = channels, H = h, W = w, OutH = outH, OutW = outW;

    /// <summary>Upsampling factor, or the pooling window size.</summary>
    public readonly int Factor = factor;

    public readonly int Stride = stride;
    public readonly int AlignCorners = alignCorners;
}

/// <summary>
/// Translation, nearest/bilinear resizing and average pooling. Forward passes are one thread per
/// output pixel; adjoints gather (one thread per input pixel, summing the outputs that read it)
/// except bilinear, whose irregular footprint scatters with atomics into a zeroed gradient.
/// </summary>
internal static class SpatialKernels
{
    /// <summary>y[s, c, i, j] = x[s, c, i - dy[s], j - dx[s]] inside the image, else 0.</summary>
    public static void Translate(ArrayView<float> x, ArrayView<float> y, ArrayView<int> dx, ArrayView<int> dy, SpatialArgs p)
    {
        int plane = p.H * p.W;
        int total = p.Planes * plane;
        for (int t = GridStride.Start; t < total; t += GridStride.Step)
        {
            int pl = t / plane;
            int within = (int)(t - pl * plane);
            int i = within / p.W, j = within - i * p.W;
            int sample = (int)(pl / p.Channels);
            int si = i - dy[sample], sj = j - dx[sample];
            y[t] = si >= 0 && si < p.H && sj >= 0 && sj < p.W ? x[pl * plane + si * p.W + sj] : 0f;
        }
    }

    public static void UpsampleNearest(ArrayView<float> x, ArrayView<float> y, SpatialArgs p)
    {
        int outPlane = p.OutH * p.OutW;
        int total = p.Planes * outPlane;
        for (int t = GridStride.Start; t < total; t += GridStride.Step)
        {
            int pl = t / outPlane;
            int within = (int)(t - pl * outPlane);
            int i = within / p.OutW, j = within - i * p.OutW;
            y[t] = x[pl * p.H * p.W + (i / p.Factor) * p.W + j / p.Factor];
        }
    }

    public static void UpsampleNearestBackward(ArrayView<float> gy, ArrayView<float> gx, SpatialArgs p)
    {
        int plane = p.H * p.W;
        int total = p.Planes * plane;
        for (int t = GridStride.Start; t < total; t += GridStride.Step)
        {
            int pl = t / plane;
            int within = (int)(t - pl * plane);
            int i = within / p.W, j = within - i * p.W;
            int source = pl * p.OutH * p.OutW + i * p.Factor * p.OutW + j * p.Factor;
            float s = 0f;
            for (int a = 0; a < p.Factor; a++)
                for (int b = 0; b < p.Factor; b++) s += gy[source + a * p.OutW + b];
            gx[t] = s;
        }
    }

    public static void UpsampleBilinear(ArrayView<float> x, ArrayView<float> y, SpatialArgs p)
    {
        int outPlane = p.OutH * p.OutW;
        int total = p.Planes * outPlane;
        for (int t = GridStride.Start; t < total; t += GridStride.Step)
        {
            int pl = t / outPlane;
            int within = (int)(t - pl * outPlane);
            int i = within / p.OutW, j = within - i * p.OutW;
            ResizeTap(i, p.H, p.OutH, p.AlignCorners, out int y0, out int y1, out float wy);
            ResizeTap(j, p.W, p.OutW, p.AlignCorners, out int x0, out int x1, out float wx);
            int src = pl * p.H * p.W;
            float r00 = x[src + y0 * p.W + x0], r01 = x[src + y0 * p.W + x1];
            float r10 = x[src + y1 * p.W + x0], r11 = x[src + y1 * p.W + x1];
            float top = r00 + wx * (r01 - r00);
            float bottom = r10 + wx * (r11 - r10);
            y[t] = top + wy * (bottom - top);
        }
    }

    /// <summary>Scatters each output gradient onto its four taps; gx must be zeroed first.</summary>
    public static void UpsampleBilinearBackward(ArrayView<float> gy, ArrayView<float> gx, SpatialArgs p)
    {
        int outPlane = p.OutH * p.OutW;
        int total = p.Planes * outPlane;
        for (int t = GridStride.Start; t < total; t += GridStride.Step)
        {
            int pl = t / outPlane;
            int within = (int)(t - pl * outPlane);
            int i = within / p.OutW, j = within - i * p.OutW;
            ResizeTap(i, p.H, p.OutH, p.AlignCorners, out int y0, out int y1, out float wy);
            ResizeTap(j, p.W, p.OutW, p.AlignCorners, out int x0, out int x1, out float wx);
            int dst = pl * p.H * p.W;
            float g = gy[t];
            float gTop = g * (1f - wy), gBottom = g * wy;
            Atomic.Add(ref gx[dst + y0 * p.W + x0], gTop * (1f - wx));
            Atomic.Add(ref gx[dst + y0 * p.W + x1], gTop * wx);
            Atomic.Add(ref gx[dst + y1 * p.W + x0], gBottom * (1f - wx));
            Atomic.Add(ref gx[dst + y1 * p.W + x1], gBottom * wx);
        }
    }

    /// <summary>The two source indices of output index <paramref name="dst"/> and the second one's weight (CpuBackend.ResizeTaps).</summary>
    private static void ResizeTap(int dst, int inSize, int outSize, int alignCorners, out int i0, out int i1, out float lambda)
    {
        float src = SamplingMath.ResizeSource(dst, inSize, outSize, alignCorners != 0);
        int lo = Math.Min((int)src, inSize - 1);
        i0 = lo;
        i1 = Math.Min(lo + 1, inSize - 1);
        lambda = src - lo;
    }

    public static void AvgPool(ArrayView<float> x, ArrayView<float> y, SpatialArgs p)
    {
        int outPlane = p.OutH * p.OutW;
        int total = p.Planes * outPlane;
        float inv = 1f / (p.Factor * p.Factor);
        for (int t = GridStride.Start; t < total; t += GridStride.Step)
        {
            int pl = t / outPlane;
            int within = (int)(t - pl * outPlane);
            int i = within / p.OutW, j = within - i * p.OutW;
            int src = pl * p.H * p.W + i * p.Stride * p.W + j * p.Stride;
            float s = 0f;
            for (int a = 0; a < p.Factor; a++)
                for (int b = 0; b < p.Factor; b++) s += x[src + a * p.W + b];
            y[t] = s * inv;
        }
    }

    /// <summary>gx[r, q] = sum over the windows that contain (r, q) of gy / k^2.</summary>
    public static void AvgPoolBackward(ArrayView<float> gy, ArrayView<float> gx, SpatialArgs p)
    {
        int plane = p.H * p.W;
        int total = p.Planes * plane;
        float inv = 1f / (p.Factor * p.Factor);
        for (int t = GridStride.Start; t < total; t += GridStride.Step)
        {
            int pl = t / plane;
            int within = (int)(t - pl * plane);
            int r = within / p.W, q = within - r * p.W;
            // Windows i with i*stride <= r < i*stride + k.
            int iLo = r - p.Factor + 1 <= 0 ? 0 : (r - p.Factor + p.Stride) / p.Stride;
            int iHi = Math.Min(r / p.Stride, p.OutH - 1);
            int jLo = q - p.Factor + 1 <= 0 ? 0 : (q - p.Factor + p.Stride) / p.Stride;
            int jHi = Math.Min(q / p.Stride, p.OutW - 1);
            float s = 0f;
            for (int i = iLo; i <= iHi; i++)
                for (int j = jLo; j <= jHi; j++) s += gy[pl * p.OutH * p.OutW + i * p.OutW + j];
            gx[t] = s * inv;
        }
    }
}
