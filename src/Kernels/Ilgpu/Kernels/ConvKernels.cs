using ILGPU;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>A <see cref="ConvGeometry"/> restricted to the images [First, First + Count) of the batch.</summary>
internal readonly struct ConvArgs
{
    public readonly int Cin, Hin, Win, Cout, Kh, Kw, StrideH, StrideW, PadH, PadW, Hout, Wout;
    public readonly int First, Count;

    public ConvArgs(in ConvGeometry g, int first, int count)
    {
        Cin = g.Cin; Hin = g.Hin; Win = g.Win; Cout = g.Cout; Kh = g.Kh; Kw = g.Kw;
        StrideH = g.StrideH; StrideW = g.StrideW; PadH = g.PadH; PadW = g.PadW;
        Hout = g.Hout; Wout = g.Wout;
        First = first; Count = count;
    }

    /// <summary>Rows of the column matrix: Cin * Kh * Kw.</summary>
    public int Depth => Cin * Kh * Kw;

    /// <summary>Columns of the column matrix: one per output pixel of every image in the chunk.</summary>
    public int Columns => Count * Hout * Wout;
}

/// <summary>Layout of a [Count, Channels, Plane] &lt;-&gt; [Channels, Count * Plane] transpose.</summary>
internal readonly struct ChannelMajorArgs(int count, int channels, int plane, int hasBias)
{
    public readonly int Count = count, Channels = channels, Plane = plane, HasBias = hasBias;
}

/// <summary>
/// The data movement around the convolution GEMMs. Columns are laid out [Cin*Kh*Kw, images*Hout*Wout]
/// so one GEMM covers a whole chunk of images: W [Cout, K] x cols = [Cout, images*HW], channel-major;
/// <see cref="FromChannelMajor"/> puts that back into NCHW (adding the bias on the way).
/// </summary>
internal static class ConvKernels
{
    /// <summary>cols[k, n*HW + p] = x[First + n] at the input pixel kernel tap k of output pixel p sees (0 in the padding).</summary>
    public static void Im2Col(ArrayView<float> x, ArrayView<float> cols, ConvArgs g)
    {
        int plane = g.Hout * g.Wout;
        int columns = g.Columns;
        int total = g.Depth * columns;
        for (int t = GridStride.Start; t < total; t += GridStride.Step)
        {
            int k = (int)(t / columns);
            int column = (int)(t - k * columns);
            int n = column / plane, pixel = column - n * plane;
            int oh = pixel / g.Wout, ow = pixel - oh * g.Wout;
            int kk = g.Kh * g.Kw;
            int ci = k / kk, tap = k - ci * kk;
            int ki = tap / g.Kw, kj = tap - ki * g.Kw;
            int ih = oh * g.StrideH - g.PadH + ki, iw = ow * g.StrideW - g.PadW + kj;
            float v = 0f;
            if (ih >= 0 && ih < g.Hin && iw >= 0 && iw < g.Win)
                v = x[(((g.First + n) * g.Cin + ci) * g.Hin + ih) * g.Win + iw];
            cols[t] = v;
        }
    }

    /// <summary>
    /// gx[First + n, ci, ih, iw] = sum of the column entries that unfolded from that pixel: a gather
    /// (each input pixel visits the few taps that reach it), so no atomics and a fixed summation order.
    /// </summary>
    public static void Col2Im(ArrayView<float> cols, ArrayView<float> gx, ConvArgs g)
    {
        int plane = g.Hout * g.Wout;
        int columns = g.Columns;
        int total = g.Count * g.Cin * g.Hin * g.Win;
        for (int t = GridStride.Start; t < total; t += GridStride.Step)
        {
            int iw = (int)(t % g.Win);
            int rest = t / g.Win;
            int ih = (int)(rest % g.Hin);
            rest /= g.Hin;
            int ci = (int)(rest % g.Cin);
            int n = (int)(rest / g.Cin);
            float s = 0f;
            for (int ki = 0; ki < g.Kh; ki++)
            {
                int hNumerator = ih + g.PadH - ki;
                if (hNumerator < 0) break;
                int oh = hNumerator / g.StrideH;
                if (oh * g.StrideH != hNumerator || oh >= g.Hout) continue;
                for (int kj = 0; kj < g.Kw; kj++)
                {
                    int wNumerator = iw + g.PadW - kj;
                    if (wNumerator < 0) break;
                    int ow = wNumerator / g.StrideW;
                    if (ow * g.StrideW != wNumerator || ow >= g.Wout) continue;
                    int k = (ci * g.Kh + ki) * g.Kw + kj;
                    s += cols[k * columns + n * plane + oh * g.Wout + ow];
                }
            }
            gx[((g.First + n) * g.Cin + ci) * g.Hin * g.Win + ih * g.Win + iw] = s;
        }
    }

    /// <summary>dst[c, n*Plane + p] = src[n, c, p]: images side by side per channel (the GEMM's column layout).</summary>
    public static void ToChannelMajor(ArrayView<float> src, ArrayView<float> dst, ChannelMajorArgs p)
    {
        int total = p.Count * p.Channels * p.Plane;
        for (int t = GridStride.Start; t < total; t += GridStride.Step)
        {
            int n = t / (p.Channels * p.Plane);
            int rest = t - n * p.Channels * p.Plane;
            int ch = rest / p.Plane, pixel = rest - ch * p.Plane;
            dst[ch * p.Count * p.Plane + n * p.Plane + pixel] = src[t];
        }
    }

    /// <summary>dst[n, c, p] = src[c, n*Plane + p] (+ bias[c]): back to NCHW.</summary>
    public static void FromChannelMajor(ArrayView<float> src, ArrayView<float> dst, ArrayView<float> bias, ChannelMajorArgs p)
    {
        int total = p.Count * p.Channels * p.Plane;
        for (int t = GridStride.Start; t < total; t += GridStride.Step)
        {
            int n = t / (p.Channels * p.Plane);
            int rest = t - n * p.Channels * p.Plane;
            int ch = rest / p.Plane, pixel = rest - ch * p.Plane;
            float v = src[ch * p.Count * p.Plane + n * p.Plane + pixel];
            if (p.HasBias != 0) v += bias[ch];
            dst[t] = v;
        }
    }
}
