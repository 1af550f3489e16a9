using ILGPU;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>A <see cref="ConvGeometry"/> restricted to the images [First, First + Count) of the batch.</summary>
internal readonly struct ConvArgs
{
    public readonly int Cin, Hin, Win, Cout, Kh, Kw, StrideH, StrideW, PadH, PadW, Hout, Wout;
    public readonly int First, Count;

    /// <summary>The divisors of the index arithmetic, precomputed (see <see cref="FastDivisor"/>).</summary>
    public readonly FastDivisor ByColumns, ByPlane, ByWout, ByTaps, ByKw, ByWin, ByHin, ByCin, ByStrideH, ByStrideW;

    public ConvArgs(in ConvGeometry g, int first, int count)
    {
        Cin = g.Cin; Hin = g.Hin; Win = g.Win; Cout = g.Cout; Kh = g.Kh; Kw = g.Kw;
        StrideH = g.StrideH; StrideW = g.StrideW; PadH = g.PadH; PadW = g.PadW;
        Hout = g.Hout; Wout = g.Wout;
        First = first; Count = count;
        ByColumns = new FastDivisor(Math.Max(1, count * g.Hout * g.Wout));
        ByPlane = new FastDivisor(Math.Max(1, g.Hout * g.Wout));
        ByWout = new FastDivisor(Math.Max(1, g.Wout));
        ByTaps = new FastDivisor(g.Kh * g.Kw);
        ByKw = new FastDivisor(g.Kw);
        ByWin = new FastDivisor(g.Win);
        ByHin = new FastDivisor(g.Hin);
        ByCin = new FastDivisor(g.Cin);
        ByStrideH = new FastDivisor(g.StrideH);
        ByStrideW = new FastDivisor(g.StrideW);
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
    public readonly FastDivisor ByImage = new(Math.Max(1, channels * plane)), ByPlane = new(Math.Max(1, plane));
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
            int k = g.ByColumns.Divide(t);
            int column = t - k * columns;
            int n = g.ByPlane.Divide(column), pixel = column - n * plane;
            int oh = g.ByWout.Divide(pixel), ow = pixel - oh * g.Wout;
            int ci = g.ByTaps.Divide(k), tap = k - ci * g.Kh * g.Kw;
            int ki = g.ByKw.Divide(tap), kj = tap - ki * g.Kw;
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
            int rest = g.ByWin.Divide(t);
            int iw = t - rest * g.Win;
            int image = g.ByHin.Divide(rest);
            int ih = rest - image * g.Hin;
            int n = g.ByCin.Divide(image);
            int ci = image - n * g.Cin;
            // The taps that reach row ih are ki = ih + PadH - oh * StrideH: starting from the largest
            // oh, each later tap is StrideH further and one output row earlier (no division in the loop).
            int hBase = ih + g.PadH, wBase = iw + g.PadW;
            int ohLast = g.ByStrideH.Divide(hBase), owLast = g.ByStrideW.Divide(wBase);
            int kiFirst = hBase - ohLast * g.StrideH, kjFirst = wBase - owLast * g.StrideW;
            float s = 0f;
            for (int ki = kiFirst, oh = ohLast; ki < g.Kh && oh >= 0; ki += g.StrideH, oh--)
            {
                if (oh >= g.Hout) continue;
                for (int kj = kjFirst, ow = owLast; kj < g.Kw && ow >= 0; kj += g.StrideW, ow--)
                {
                    if (ow >= g.Wout) continue;
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
            int n = p.ByImage.Divide(t);
            int rest = t - n * p.Channels * p.Plane;
            int ch = p.ByPlane.Divide(rest), pixel = rest - ch * p.Plane;
            dst[ch * p.Count * p.Plane + n * p.Plane + pixel] = src[t];
        }
    }

    /// <summary>dst[n, c, p] = src[c, n*Plane + p] (+ bias[c]): back to NCHW.</summary>
    public static void FromChannelMajor(ArrayView<float> src, ArrayView<float> dst, ArrayView<float> bias, ChannelMajorArgs p)
    {
        int total = p.Count * p.Channels * p.Plane;
        for (int t = GridStride.Start; t < total; t += GridStride.Step)
        {
            int n = p.ByImage.Divide(t);
            int rest = t - n * p.Channels * p.Plane;
            int ch = p.ByPlane.Divide(rest), pixel = rest - ch * p.Plane;
            float v = src[ch * p.Count * p.Plane + n * p.Plane + pixel];
            if (p.HasBias != 0) v += bias[ch];
            dst[t] = v;
        }
    }
}
