using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace KernelGan.Kernels.Cpu;

/// <summary>
/// The columns of a B operand as a sequence of contiguous source segments, in column order:
/// segment i holds <c>length</c> columns whose values start at <c>offset</c> (relative to a row's offset).
/// </summary>
internal interface ISegments
{
    bool Next(out int offset, out int length);
}

/// <summary>
/// The columns of each NR-wide B strip as runs of consecutive source floats, (dstColumn, length,
/// srcOffset) triples. Convolution operands are runs by nature (pixels along a row of an image,
/// channels of one NHWC pixel), so packing becomes a few vector copies per row instead of an
/// index computation per element.
/// </summary>
internal static unsafe class ColumnRuns
{
    private const int NR = GemmMicroKernel.NR;

    /// <summary>Ints needed for the runs of n columns (worst case: every column its own run).</summary>
    public static int RunsLength(int n) => 3 * n;

    public static int StartsLength(int n) => (n + NR - 1) / NR + 1;

    /// <summary>
    /// Cuts the segments (n columns in all) at strip boundaries into runs, and records per strip s the
    /// index of its first run (starts[s]; starts[strips] = total).
    /// </summary>
    public static void Build<TSegments>(TSegments segments, int n, int* runs, int* starts) where TSegments : struct, ISegments
    {
        int count = 0, column = 0;
        starts[0] = 0;
        while (column < n && segments.Next(out int offset, out int length))
        {
            length = Math.Min(length, n - column);
            while (length > 0)
            {
                int inStrip = column & (NR - 1);
                int take = Math.Min(length, NR - inStrip);
                runs[3 * count] = inStrip;
                runs[3 * count + 1] = take;
                runs[3 * count + 2] = offset;
                count++;
                column += take;
                offset += take;
                length -= take;
                if ((column & (NR - 1)) == 0) starts[column / NR] = count;
            }
        }
        starts[(n + NR - 1) / NR] = count;
    }

    /// <summary>
    /// Packs kc rows of one strip: row q of the strip is the columns' values at
    /// src + rowOffsets[q] + run offsets; columns past <paramref name="valid"/> are zero.
    /// </summary>
    public static void PackStrip(float* src, int* rowOffsets, int kc, int* runs, int runCount, int valid, float* dst)
    {
        // The common shapes: one 32-wide run (maps 32+ wide) or two 16-wide ones (16-wide maps, 4x4 maps of two images).
        if (runCount == 1 && runs[1] == NR)
        {
            float* s = src + runs[2];
            for (int q = 0; q < kc; q++)
            {
                float* row = s + rowOffsets[q];
                Vector512.Store(Vector512.Load(row), dst + q * NR);
                Vector512.Store(Vector512.Load(row + 16), dst + q * NR + 16);
            }
            return;
        }
        if (runCount == 2 && runs[1] == 16 && runs[4] == 16)
        {
            float* s0 = src + runs[2], s1 = src + runs[5];
            for (int q = 0; q < kc; q++)
            {
                int o = rowOffsets[q];
                Vector512.Store(Vector512.Load(s0 + o), dst + q * NR);
                Vector512.Store(Vector512.Load(s1 + o), dst + q * NR + 16);
            }
            return;
        }
        for (int q = 0; q < kc; q++)
        {
            float* s = src + rowOffsets[q];
            float* d = dst + q * NR;
            for (int r = 0; r < runCount; r++)
                CopyRun(s + runs[3 * r + 2], d + runs[3 * r], runs[3 * r + 1]);
            for (int j = valid; j < NR; j++) d[j] = 0f;
        }
    }

    private static void CopyRun(float* s, float* d, int length)
    {
        int i = 0;
        for (; i + 16 <= length; i += 16) Vector512.Store(Vector512.Load(s + i), d + i);
        if (i + 8 <= length) { Vector256.Store(Vector256.Load(s + i), d + i); i += 8; }
        if (i + 4 <= length) { Vector128.Store(Vector128.Load(s + i), d + i); i += 4; }
        for (; i < length; i++) d[i] = s[i];
    }
}

/// <summary>
/// A B operand gathered by <see cref="ColumnRuns"/>: element (row q, column j) is
/// src[rowOffsets[q] + offset of j]. Strips are packed lazily into scratch on first use.
/// </summary>
internal unsafe struct RunPackedPanel : IPanelSource
{
    private const int NR = GemmMicroKernel.NR;
    private readonly float* _src, _scratch;
    private readonly int* _rowOffsets, _runs, _starts;
    private readonly int _n;
    private int _pc, _kc;

    /// <param name="scratch">Room for KC x (n rounded up to NR) floats.</param>
    public RunPackedPanel(float* src, int* rowOffsets, int* runs, int* starts, int n, float* scratch)
    {
        _src = src; _rowOffsets = rowOffsets; _runs = runs; _starts = starts; _n = n; _scratch = scratch;
        _pc = _kc = 0;
    }

    public static long ScratchLength(int n) => (long)PackedGemm.KC * ((n + NR - 1) / NR * NR);

    public void Begin(int pc, int kc) { _pc = pc; _kc = kc; }

    public float* Strip(int index, bool firstUse)
    {
        float* dst = _scratch + (long)index * _kc * NR;
        if (firstUse)
        {
            int first = _starts[index];
            ColumnRuns.PackStrip(_src, _rowOffsets + _pc, _kc, _runs + 3 * first, _starts[index + 1] - first,
                                 Math.Min(NR, _n - index * NR), dst);
        }
        return dst;
    }
}

/// <summary>
/// An A operand whose rows are channels of per-image planes and whose reduction index runs over
/// pixels: element (i, q) = src[i * plane + pixelOffsets[q]] (the output gradient in the weight
/// gradient). Packed a KC block at a time into MR-row strips.
/// </summary>
internal unsafe struct ChannelRowsPanel : IPanelSource
{
    private const int MR = GemmMicroKernel.MR;
    private readonly float* _src, _scratch;
    private readonly int* _pixelOffsets;
    private readonly int _m, _plane;
    private int _pc, _kc;

    /// <param name="scratch">Room for (m rounded up to MR) x KC floats.</param>
    public ChannelRowsPanel(float* src, int m, int plane, int* pixelOffsets, float* scratch)
    {
        _src = src; _m = m; _plane = plane; _pixelOffsets = pixelOffsets; _scratch = scratch;
        _pc = _kc = 0;
    }

    public static long ScratchLength(int m) => (long)(m + MR - 1) / MR * MR * PackedGemm.KC;

    /// <summary>dst[q*8 + i] = rows[i*stride + q] for 8 rows and 16 pixels, in registers.</summary>
    private static void Transpose8x16(float* rows, long stride, float* dst)
    {
        var v0 = Vector512.Load(rows); var v1 = Vector512.Load(rows + stride);
        var v2 = Vector512.Load(rows + 2 * stride); var v3 = Vector512.Load(rows + 3 * stride);
        var v4 = Vector512.Load(rows + 4 * stride); var v5 = Vector512.Load(rows + 5 * stride);
        var v6 = Vector512.Load(rows + 6 * stride); var v7 = Vector512.Load(rows + 7 * stride);
        // Per 128-bit lane L (pixels 4L..4L+3): pairs of rows, then quads of rows per pixel.
        var t0 = Avx512F.UnpackLow(v0, v1).AsDouble(); var t1 = Avx512F.UnpackHigh(v0, v1).AsDouble();
        var t2 = Avx512F.UnpackLow(v2, v3).AsDouble(); var t3 = Avx512F.UnpackHigh(v2, v3).AsDouble();
        var t4 = Avx512F.UnpackLow(v4, v5).AsDouble(); var t5 = Avx512F.UnpackHigh(v4, v5).AsDouble();
        var t6 = Avx512F.UnpackLow(v6, v7).AsDouble(); var t7 = Avx512F.UnpackHigh(v6, v7).AsDouble();
        StorePixels(Avx512F.UnpackLow(t0, t2).AsSingle(), Avx512F.UnpackLow(t4, t6).AsSingle(), dst);
        StorePixels(Avx512F.UnpackHigh(t0, t2).AsSingle(), Avx512F.UnpackHigh(t4, t6).AsSingle(), dst + 8);
        StorePixels(Avx512F.UnpackLow(t1, t3).AsSingle(), Avx512F.UnpackLow(t5, t7).AsSingle(), dst + 16);
        StorePixels(Avx512F.UnpackHigh(t1, t3).AsSingle(), Avx512F.UnpackHigh(t5, t7).AsSingle(), dst + 24);
    }

    /// <summary>Lane L of rows0to3 and rows4to7 hold pixel 4L+j's eight values; pixel 4L+j goes to dst + 32L.</summary>
    private static void StorePixels(Vector512<float> rows0to3, Vector512<float> rows4to7, float* dst)
    {
        Avx512F.ExtractVector128(rows0to3, 0).Store(dst); Avx512F.ExtractVector128(rows4to7, 0).Store(dst + 4);
        Avx512F.ExtractVector128(rows0to3, 1).Store(dst + 32); Avx512F.ExtractVector128(rows4to7, 1).Store(dst + 36);
        Avx512F.ExtractVector128(rows0to3, 2).Store(dst + 64); Avx512F.ExtractVector128(rows4to7, 2).Store(dst + 68);
        Avx512F.ExtractVector128(rows0to3, 3).Store(dst + 96); Avx512F.ExtractVector128(rows4to7, 3).Store(dst + 100);
    }

    public void Begin(int pc, int kc) { _pc = pc; _kc = kc; }

    public float* Strip(int index, bool firstUse)
    {
        float* dst = _scratch + (long)index * _kc * MR;
        if (!firstUse) return dst;
        int i0 = index * MR, rows = Math.Min(MR, _m - i0);
        int* offsets = _pixelOffsets + _pc;
        if (rows == 8 && MR == 8 && _plane % 16 == 0 && Avx512F.IsSupported)
        {
            // Whole images in the reduction and 16 | plane: every 16 pixels are contiguous in one image.
            for (int q = 0; q < _kc; q += 16)
                Transpose8x16(_src + (long)i0 * _plane + offsets[q], _plane, dst + q * MR);
            return dst;
        }
        if (rows == 8 && MR == 8)
        {
            float* r0 = _src + (long)i0 * _plane;
            long p = _plane;
            for (int q = 0; q < _kc; q++)
            {
                float* s = r0 + offsets[q];
                float* d = dst + q * MR;
                d[0] = s[0]; d[1] = s[p]; d[2] = s[2 * p]; d[3] = s[3 * p];
                d[4] = s[4 * p]; d[5] = s[5 * p]; d[6] = s[6 * p]; d[7] = s[7 * p];
            }
            return dst;
        }
        for (int q = 0; q < _kc; q++)
        {
            float* d = dst + q * MR;
            int i = 0;
            for (; i < rows; i++) d[i] = _src[(long)(i0 + i) * _plane + offsets[q]];
            for (; i < MR; i++) d[i] = 0f;
        }
        return dst;
    }
}
