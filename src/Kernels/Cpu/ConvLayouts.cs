using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace KernelGan.Kernels.Cpu;

/// <summary>
/// The input of a strided convolution split by phase: for each image, channel and stride phase
/// (ry, rx), the zero-padded plane xpad[a*sH + ry][b*sW + rx]. Every im2col row then reads
/// contiguous, in-bounds runs: tap (ki, kj) at output (oh, ow) is phase (ki % sH, kj % sW) at
/// (oh + ki / sH, ow + kj / sW). The split costs one pass over the input; the im2col it feeds
/// touches each input value Kh*Kw/(sH*sW) times.
/// </summary>
internal readonly unsafe struct PhasePlanes
{
    private readonly ConvGeometry _g;
    public readonly int Height, Width;

    public PhasePlanes(in ConvGeometry g)
    {
        _g = g;
        Height = g.Hout + (g.Kh - 1) / g.StrideH;
        Width = g.Wout + (g.Kw - 1) / g.StrideW;
    }

    private int PlaneSize => Height * Width;
    public int ImageSize => _g.Cin * _g.StrideH * _g.StrideW * PlaneSize;

    /// <summary>Splits <paramref name="count"/> consecutive NCHW images starting at x.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Build(float* x, int count, float* dst)
    {
        var g = _g;
        int sH = g.StrideH, sW = g.StrideW;
        for (int nl = 0; nl < count; nl++)
        for (int ci = 0; ci < g.Cin; ci++)
        {
            float* plane = x + ((long)nl * g.Cin + ci) * g.Hin * g.Win;
            for (int ry = 0; ry < sH; ry++)
            for (int rx = 0; rx < sW; rx++)
            {
                float* d = dst + (long)nl * ImageSize + ((ci * sH + ry) * sW + rx) * PlaneSize;
                // Columns b with 0 <= b*sW + rx - pW < Win come from the image, the rest are padding.
                int bFirst = Math.Max(0, (g.PadW - rx + sW - 1) / sW);
                int bEnd = Math.Clamp((g.Win + g.PadW - rx + sW - 1) / sW, bFirst, Width);
                for (int a = 0; a < Height; a++, d += Width)
                {
                    int ih = a * sH + ry - g.PadH;
                    if ((uint)ih >= (uint)g.Hin)
                    {
                        new Span<float>(d, Width).Clear();
                        continue;
                    }
                    float* line = plane + ih * g.Win + rx - g.PadW;
                    for (int b = 0; b < bFirst; b++) d[b] = 0f;
                    if (sW == 1) new Span<float>(line + bFirst, bEnd - bFirst).CopyTo(new Span<float>(d + bFirst, bEnd - bFirst));
                    else if (sW == 2) SplitEven(line, g.Win - rx + g.PadW, bFirst, bEnd, d);
                    else for (int b = bFirst; b < bEnd; b++) d[b] = line[b * sW];
                    for (int b = bEnd; b < Width; b++) d[b] = 0f;
                }
            }
        }
    }

    /// <summary>
    /// d[b] = line[2b] for b in [first, end); line[0, limit) are the readable floats of the row.
    /// Called once per row of every phase plane (81920 rows of 4-5 floats per call for ref64's 8x8
    /// input), so it is compiled fully optimized from the first call, and its lane pattern is a
    /// constant, not a static field: its tier-0 copy read the field through `__tls_get_addr` on
    /// every call, even on the AVX2 path that never uses it (with the tier-0 copy itself, 4% of a
    /// 4x4 layer's forward over its first seconds under `perf`; tier-1 code had neither cost).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void SplitEven(float* line, int limit, int first, int end, float* d)
    {
        int b = first;
        if (Avx512F.IsSupported)
        {
            var evenLanes = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
            for (; b + 16 <= end && 2 * b + 32 <= limit; b += 16)
                Vector512.Store(Avx512F.PermuteVar16x32x2(Vector512.Load(line + 2 * b), evenLanes, Vector512.Load(line + 2 * b + 16)), d + b);
        }
        else if (Avx2.IsSupported)
            for (; b + 8 <= end && 2 * b + 16 <= limit; b += 8)
            {
                // shufps 0x88 keeps lanes 0 and 2 of each source per 128-bit half (a0 a2 b0 b2 | a4 a6 b4 b6);
                // the 64-bit permute 0xD8 then puts the halves' pairs in order.
                var mixed = Avx.Shuffle(Vector256.Load(line + 2 * b), Vector256.Load(line + 2 * b + 8), 0x88);
                Avx2.Permute4x64(mixed.AsDouble(), 0xD8).AsSingle().Store(d + b);
            }
        for (; b < end; b++) d[b] = line[2 * b];
    }

    /// <summary>Offsets of the im2col rows (ci, ki, kj), in that order, at output pixel (0, 0) of image 0.</summary>
    public void RowOffsets(int* offsets)
    {
        var g = _g;
        int r = 0;
        for (int ci = 0; ci < g.Cin; ci++)
        for (int ki = 0; ki < g.Kh; ki++)
        {
            int rowBase = (ci * g.StrideH + ki % g.StrideH) * g.StrideW * PlaneSize + ki / g.StrideH * Width;
            for (int kj = 0; kj < g.Kw; kj++)
                offsets[r++] = rowBase + kj % g.StrideW * PlaneSize + kj / g.StrideW;
        }
    }

    /// <summary>Im2col columns of a group of images: one segment per output row of each image.</summary>
    public Rows Pixels => new(_g.Hout, _g.Wout, Width, ImageSize);

    public struct Rows(int hout, int wout, int width, int imageSize) : ISegments
    {
        private int _image, _row;

        public bool Next(out int offset, out int length)
        {
            offset = _image * imageSize + _row * width;
            length = wout;
            if (++_row == hout) { _row = 0; _image++; }
            return true;
        }
    }
}

/// <summary>
/// The input transposed to zero-padded NHWC, for the weight gradient: the im2col values of one
/// output pixel are then runs of Cin consecutive channels, one run per kernel tap, so its packed
/// operand (pixels down, taps x channels across) is built by vector copies.
/// </summary>
internal readonly unsafe struct PaddedNhwc
{
    private readonly ConvGeometry _g;
    public readonly int Height, Width;

    public PaddedNhwc(in ConvGeometry g)
    {
        _g = g;
        Height = g.Hin + 2 * g.PadH;
        Width = g.Win + 2 * g.PadW;
    }

    public int ImageSize => Height * Width * _g.Cin;

    /// <summary>Transposes image n of the NCHW batch x into dst (that image's slot).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void BuildImage(float* x, int n, float* dst)
    {
        var g = _g;
        int cin = g.Cin;
        float* image = x + (long)n * cin * g.Hin * g.Win;
        float* d = dst + (long)n * ImageSize;
        int rowFloats = Width * cin;
        new Span<float>(d, g.PadH * rowFloats).Clear();
        new Span<float>(d + (long)(g.PadH + g.Hin) * rowFloats, (Height - g.PadH - g.Hin) * rowFloats).Clear();
        for (int ih = 0; ih < g.Hin; ih++)
        {
            float* row = d + (long)(ih + g.PadH) * rowFloats;
            new Span<float>(row, g.PadW * cin).Clear();
            new Span<float>(row + (g.PadW + g.Win) * cin, (Width - g.PadW - g.Win) * cin).Clear();
            float* interior = row + g.PadW * cin;
            int ci = 0;
            if (Transpose.HasRows8x16 && g.Win % 16 == 0)
                for (; ci + 8 <= cin; ci += 8)
                {
                    float* src = image + ((long)ci * g.Hin + ih) * g.Win;
                    for (int iw = 0; iw < g.Win; iw += 16)
                        Transpose.Rows8x16(src + iw, (long)g.Hin * g.Win, interior + iw * cin + ci, cin);
                }
            for (; ci < cin; ci++)
            {
                float* src = image + ((long)ci * g.Hin + ih) * g.Win;
                for (int iw = 0; iw < g.Win; iw++) interior[iw * cin + ci] = src[iw];
            }
        }
    }

    /// <summary>Offset of output pixel (n, oh, ow)'s receptive field corner.</summary>
    public int PixelOffset(int n, int oh, int ow) =>
        n * ImageSize + (oh * _g.StrideH * Width + ow * _g.StrideW) * _g.Cin;

    /// <summary>
    /// Weight-gradient columns in (ki, kj, ci) order from column <paramref name="first"/> on, as
    /// offsets within a receptive field. The taps of one kernel row are adjacent in NHWC, so each
    /// kernel row is one segment of Kw*Cin floats (12 for 3 channels and a 4-wide kernel, not four runs of 3).
    /// </summary>
    public KernelRows TapsFrom(int first) => new(first, _g.Kw * _g.Cin, Width * _g.Cin);

    public struct KernelRows(int first, int rowLength, int rowStride) : ISegments
    {
        private int _row = first / rowLength, _skip = first % rowLength;

        public bool Next(out int offset, out int length)
        {
            offset = _row * rowStride + _skip;
            length = rowLength - _skip;
            _row++;
            _skip = 0;
            return true;
        }
    }
}
