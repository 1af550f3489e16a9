using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace KernelGan.Kernels.Cpu;

/// <summary>In-register transposes for layout changes (channel-major rows to pixel-major runs).</summary>
internal static unsafe class Transpose
{
    /// <summary>
    /// dst[q * pixelStride + i] = rows[i * rowStride + q] for 8 rows and 16 columns (AVX-512 only):
    /// 8 loads, 16 unpacks and 32 quarter-vector stores instead of 128 scalar moves.
    /// </summary>
    public static void Rows8x16(float* rows, long rowStride, float* dst, int pixelStride)
    {
        var v0 = Vector512.Load(rows); var v1 = Vector512.Load(rows + rowStride);
        var v2 = Vector512.Load(rows + 2 * rowStride); var v3 = Vector512.Load(rows + 3 * rowStride);
        var v4 = Vector512.Load(rows + 4 * rowStride); var v5 = Vector512.Load(rows + 5 * rowStride);
        var v6 = Vector512.Load(rows + 6 * rowStride); var v7 = Vector512.Load(rows + 7 * rowStride);
        // Per 128-bit lane L (columns 4L..4L+3): pairs of rows, then quads of rows per column.
        var t0 = Avx512F.UnpackLow(v0, v1).AsDouble(); var t1 = Avx512F.UnpackHigh(v0, v1).AsDouble();
        var t2 = Avx512F.UnpackLow(v2, v3).AsDouble(); var t3 = Avx512F.UnpackHigh(v2, v3).AsDouble();
        var t4 = Avx512F.UnpackLow(v4, v5).AsDouble(); var t5 = Avx512F.UnpackHigh(v4, v5).AsDouble();
        var t6 = Avx512F.UnpackLow(v6, v7).AsDouble(); var t7 = Avx512F.UnpackHigh(v6, v7).AsDouble();
        StoreColumns(Avx512F.UnpackLow(t0, t2).AsSingle(), Avx512F.UnpackLow(t4, t6).AsSingle(), dst, pixelStride);
        StoreColumns(Avx512F.UnpackHigh(t0, t2).AsSingle(), Avx512F.UnpackHigh(t4, t6).AsSingle(), dst + pixelStride, pixelStride);
        StoreColumns(Avx512F.UnpackLow(t1, t3).AsSingle(), Avx512F.UnpackLow(t5, t7).AsSingle(), dst + 2 * pixelStride, pixelStride);
        StoreColumns(Avx512F.UnpackHigh(t1, t3).AsSingle(), Avx512F.UnpackHigh(t5, t7).AsSingle(), dst + 3 * pixelStride, pixelStride);
    }

    /// <summary>Lane L of rows0to3 / rows4to7 holds column 4L+j's eight values; column 4L+j goes to dst + 4L*stride.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void StoreColumns(Vector512<float> rows0to3, Vector512<float> rows4to7, float* dst, int stride)
    {
        long s4 = 4L * stride;
        Avx512F.ExtractVector128(rows0to3, 0).Store(dst); Avx512F.ExtractVector128(rows4to7, 0).Store(dst + 4);
        Avx512F.ExtractVector128(rows0to3, 1).Store(dst + s4); Avx512F.ExtractVector128(rows4to7, 1).Store(dst + s4 + 4);
        Avx512F.ExtractVector128(rows0to3, 2).Store(dst + 2 * s4); Avx512F.ExtractVector128(rows4to7, 2).Store(dst + 2 * s4 + 4);
        Avx512F.ExtractVector128(rows0to3, 3).Store(dst + 3 * s4); Avx512F.ExtractVector128(rows4to7, 3).Store(dst + 3 * s4 + 4);
    }
}
