using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace KernelGan.Kernels.Cpu;

/// <summary>In-register transposes for layout changes (channel-major rows to pixel-major runs).</summary>
internal static unsafe class Transpose
{
    /// <summary>
    /// Whether <see cref="Rows8x16"/> has a vector form here (AVX-512 or AVX); callers otherwise copy
    /// element by element. The 128-bit path has none: a 4x4 shuffle network is ISA-specific (SSE
    /// shufps vs NEON zip/uzp), and these layout copies are a few percent of a step there.
    /// </summary>
    public static bool HasRows8x16 => Avx512F.IsSupported || Avx.IsSupported;

    /// <summary>
    /// dst[q * pixelStride + i] = rows[i * rowStride + q] for 8 rows and any number of columns
    /// (requires <see cref="HasRows8x16"/>): <see cref="Rows8x16"/> per 16 columns, the rest
    /// element by element. The GEMM packers' case, whose k is not always a multiple of 16.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void Rows8(float* rows, long rowStride, int columns, float* dst, int pixelStride)
    {
        int q = 0;
        for (; q + 16 <= columns; q += 16) Rows8x16(rows + q, rowStride, dst + (long)q * pixelStride, pixelStride);
        for (; q < columns; q++)
        for (int i = 0; i < 8; i++) dst[(long)q * pixelStride + i] = rows[i * rowStride + q];
    }

    /// <summary>
    /// dst[q * pixelStride + i] = rows[i * rowStride + q] for 8 rows and 16 columns (requires
    /// <see cref="HasRows8x16"/>): 8 loads, 16 unpacks and 32 quarter-vector stores instead of 128
    /// scalar moves on AVX-512; two 8x8 register transposes on AVX. Compiled fully optimized from
    /// the first call, as the GEMM loops that call it are: packers call it thousands of times per
    /// GEMM, so its tier-0 copy ran for the first several GEMMs of a process and hid what the
    /// transposes gained there (GEMM 1024^3 on the AVX2 path, median of 10 calls, no faster).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void Rows8x16(float* rows, long rowStride, float* dst, int pixelStride)
    {
        if (!Avx512F.IsSupported)
        {
            Rows8x8(rows, rowStride, dst, pixelStride);
            Rows8x8(rows + 8, rowStride, dst + 8L * pixelStride, pixelStride);
            return;
        }
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

    /// <summary>
    /// The AVX form for 8 columns: unpacks pair rows, shuffles make quads of rows per column within
    /// each 128-bit half (columns j and j+4), and each half is stored as its column's four values.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Rows8x8(float* rows, long rowStride, float* dst, int pixelStride)
    {
        var r0 = Avx.LoadVector256(rows); var r1 = Avx.LoadVector256(rows + rowStride);
        var r2 = Avx.LoadVector256(rows + 2 * rowStride); var r3 = Avx.LoadVector256(rows + 3 * rowStride);
        var r4 = Avx.LoadVector256(rows + 4 * rowStride); var r5 = Avx.LoadVector256(rows + 5 * rowStride);
        var r6 = Avx.LoadVector256(rows + 6 * rowStride); var r7 = Avx.LoadVector256(rows + 7 * rowStride);
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        // 0x44 takes elements 0,1 of each source per half, 0xEE elements 2,3.
        StoreHalves(Avx.Shuffle(t0, t2, 0x44), Avx.Shuffle(t4, t6, 0x44), dst, pixelStride);
        StoreHalves(Avx.Shuffle(t0, t2, 0xEE), Avx.Shuffle(t4, t6, 0xEE), dst + pixelStride, pixelStride);
        StoreHalves(Avx.Shuffle(t1, t3, 0x44), Avx.Shuffle(t5, t7, 0x44), dst + 2 * pixelStride, pixelStride);
        StoreHalves(Avx.Shuffle(t1, t3, 0xEE), Avx.Shuffle(t5, t7, 0xEE), dst + 3 * pixelStride, pixelStride);
    }

    /// <summary>The low halves hold column j's rows 0..3 and 4..7, the high halves column j+4's.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void StoreHalves(Vector256<float> rows0to3, Vector256<float> rows4to7, float* dst, int stride)
    {
        long s4 = 4L * stride;
        rows0to3.GetLower().Store(dst); rows4to7.GetLower().Store(dst + 4);
        rows0to3.GetUpper().Store(dst + s4); rows4to7.GetUpper().Store(dst + s4 + 4);
    }
}
