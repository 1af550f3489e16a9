namespace KernelGan.Kernels.Cpu;

/// <summary>
/// Unfolds one image [Cin, H, W] into the column matrix [Cin*Kh*Kw, Hout*Wout] that turns a
/// convolution into a GEMM, and folds columns back (adding overlaps) for the data gradient.
/// </summary>
internal static unsafe class Im2Col
{
    public static void Unfold(in ConvGeometry g, float* image, float* cols)
    {
        int hout = g.Hout, wout = g.Wout, plane = hout * wout;
        for (int ci = 0; ci < g.Cin; ci++)
        {
            float* src = image + (long)ci * g.Hin * g.Win;
            for (int ki = 0; ki < g.Kh; ki++)
            for (int kj = 0; kj < g.Kw; kj++)
            {
                float* row = cols + (long)((ci * g.Kh + ki) * g.Kw + kj) * plane;
                for (int oh = 0; oh < hout; oh++)
                {
                    int ih = oh * g.StrideH - g.PadH + ki;
                    float* dst = row + oh * wout;
                    if ((uint)ih >= (uint)g.Hin)
                    {
                        new Span<float>(dst, wout).Clear();
                        continue;
                    }
                    float* line = src + ih * g.Win;
                    int iw = kj - g.PadW;
                    if (g.StrideW == 1 && iw >= 0 && iw + wout <= g.Win)
                    {
                        new Span<float>(line + iw, wout).CopyTo(new Span<float>(dst, wout));
                        continue;
                    }
                    for (int ow = 0; ow < wout; ow++, iw += g.StrideW)
                        dst[ow] = (uint)iw < (uint)g.Win ? line[iw] : 0f;
                }
            }
        }
    }

    /// <summary>image += fold(cols); the caller zeroes the image first.</summary>
    public static void FoldAdd(in ConvGeometry g, float* cols, float* image)
    {
        int hout = g.Hout, wout = g.Wout, plane = hout * wout;
        for (int ci = 0; ci < g.Cin; ci++)
        {
            float* dstImage = image + (long)ci * g.Hin * g.Win;
            for (int ki = 0; ki < g.Kh; ki++)
            for (int kj = 0; kj < g.Kw; kj++)
            {
                float* row = cols + (long)((ci * g.Kh + ki) * g.Kw + kj) * plane;
                for (int oh = 0; oh < hout; oh++)
                {
                    int ih = oh * g.StrideH - g.PadH + ki;
                    if ((uint)ih >= (uint)g.Hin) continue;
                    float* line = dstImage + ih * g.Win;
                    float* src = row + oh * wout;
                    int iw = kj - g.PadW;
                    for (int ow = 0; ow < wout; ow++, iw += g.StrideW)
                        if ((uint)iw < (uint)g.Win) line[iw] += src[ow];
                }
            }
        }
    }
}
