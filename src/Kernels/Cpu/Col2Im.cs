using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace KernelGan.Kernels.Cpu;

/// <summary>
/// Folds a column matrix [Cin*Kh*Kw, images*Hout*Wout] (row stride ld) back into images,
/// summing the overlapping taps: the last step of the data gradient and of transposed conv.
/// </summary>
internal static unsafe class Col2Im
{
    /// <summary>
    /// The k4 s2 p1 layers that double the size (every ref64 transposed conv): each output pixel
    /// gathers exactly its 2x2 contributing taps, so every value is written once, with no zeroing
    /// and no read-modify-write.
    /// </summary>
    public static bool IsDoublingK4S2P1(in ConvGeometry g) =>
        g.Kh == 4 && g.Kw == 4 && g.StrideH == 2 && g.StrideW == 2 && g.PadH == 1 && g.PadW == 1
        && g.Hin == 2 * g.Hout && g.Win == 2 * g.Wout;

    /// <summary>Writes image nl of the group (its columns start at nl*Hout*Wout) into <paramref name="image"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void FoldDoublingK4S2P1(in ConvGeometry g, float* cols, int ld, int nl, float* image)
    {
        int hout = g.Hout, wout = g.Wout, win = g.Win;
        int column0 = nl * hout * wout;
        // 512-bit rows of 16 where AVX-512 has them, rows of 8 on AVX; 8- and 4-wide maps have their own
        // forms. The 128-bit path folds element by element (interleaving needs ISA-specific shuffles).
        bool vector = Avx512F.IsSupported ? wout % 16 == 0 : Avx.IsSupported && wout % 8 == 0;
        bool narrow = (wout == 8 || wout == 4) && Avx2.IsSupported;
        for (int ci = 0; ci < g.Cin; ci++)
        for (int ih = 0; ih < g.Hin; ih++)
        {
            // Even rows 2a take taps ki=1 (oh=a) and ki=3 (oh=a-1); odd rows 2a+1 take ki=0 (oh=a+1) and ki=2 (oh=a).
            int a = ih >> 1;
            int kiA = (ih & 1) == 0 ? 1 : 0, ohA = (ih & 1) == 0 ? a : a + 1;
            int kiB = kiA + 2, ohB = (ih & 1) == 0 ? a - 1 : a;
            float* rowA = (uint)ohA < (uint)hout ? cols + (long)((ci * 4 + kiA) * 4) * ld + column0 + ohA * wout : null;
            float* rowB = (uint)ohB < (uint)hout ? cols + (long)((ci * 4 + kiB) * 4) * ld + column0 + ohB * wout : null;
            float* dst = image + ((long)ci * g.Hin + ih) * win;
            if (vector && Avx512F.IsSupported) FoldRowVector(rowA, rowB, ld, wout, dst);
            else if (vector) FoldRowAvx(rowA, rowB, ld, wout, dst);
            else if (narrow && wout == 8) FoldRow8(rowA, rowB, ld, dst);
            else if (narrow) FoldRow4(rowA, rowB, ld, dst);
            else FoldRowScalar(rowA, rowB, ld, wout, dst);
        }
    }

    // Within one tap row (kj = 0..3 at rows r, r+ld, r+2ld, r+3ld): output column 2b sums kj=1 at b
    // and kj=3 at b-1; column 2b+1 sums kj=0 at b+1 and kj=2 at b.
    private static void FoldRowScalar(float* rowA, float* rowB, int ld, int wout, float* dst)
    {
        for (int b = 0; b < wout; b++)
        {
            float even = 0f, odd = 0f;
            if (rowA != null) AddTaps(rowA, ld, b, wout, ref even, ref odd);
            if (rowB != null) AddTaps(rowB, ld, b, wout, ref even, ref odd);
            dst[2 * b] = even;
            dst[2 * b + 1] = odd;
        }
    }

    private static void AddTaps(float* r, int ld, int b, int wout, ref float even, ref float odd)
    {
        even += r[ld + b];
        if (b > 0) even += r[3 * ld + b - 1];
        odd += r[2 * ld + b];
        if (b + 1 < wout) odd += r[b + 1];
    }

    private static readonly Vector512<int> InterleaveLow = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    private static readonly Vector512<int> InterleaveHigh = Vector512.Create(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    private static readonly Vector512<float> AllButFirst = Vector512.Create(0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u).AsSingle();
    private static readonly Vector512<float> AllButLast = Vector512.Create(~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, 0u).AsSingle();

    private static void FoldRowVector(float* rowA, float* rowB, int ld, int wout, float* dst)
    {
        for (int b = 0; b < wout; b += 16)
        {
            // The shifted loads reach one float outside the row; those lanes are masked off. They stay
            // inside the column matrix: kj=3 rows are never its first row, kj=0 rows never its last.
            var firstMask = b == 0 ? AllButFirst : Vector512<float>.AllBitsSet;
            var lastMask = b + 16 == wout ? AllButLast : Vector512<float>.AllBitsSet;
            Vector512<float> even = default, odd = default;
            if (rowA != null)
            {
                even += Vector512.Load(rowA + ld + b) + (Vector512.Load(rowA + 3 * ld + b - 1) & firstMask);
                odd += Vector512.Load(rowA + 2 * ld + b) + (Vector512.Load(rowA + b + 1) & lastMask);
            }
            if (rowB != null)
            {
                even += Vector512.Load(rowB + ld + b) + (Vector512.Load(rowB + 3 * ld + b - 1) & firstMask);
                odd += Vector512.Load(rowB + 2 * ld + b) + (Vector512.Load(rowB + b + 1) & lastMask);
            }
            Vector512.Store(Avx512F.PermuteVar16x32x2(even, InterleaveLow, odd), dst + 2 * b);
            Vector512.Store(Avx512F.PermuteVar16x32x2(even, InterleaveHigh, odd), dst + 2 * b + 16);
        }
    }

    private static readonly Vector512<int> Interleave8 = Vector512.Create(0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15);
    private static readonly Vector256<int> Interleave4 = Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7);

    /// <summary>8x8 maps (16-wide output rows): the same sums as <see cref="FoldRowVector"/> on 8-lane halves.</summary>
    private static void FoldRow8(float* rowA, float* rowB, int ld, float* dst)
    {
        Vector256<float> even = default, odd = default;
        if (rowA != null)
        {
            even += Vector256.Load(rowA + ld) + Vector256.Load(rowA + 3 * ld - 1).WithElement(0, 0f);
            odd += Vector256.Load(rowA + 2 * ld) + Vector256.Load(rowA + 1).WithElement(7, 0f);
        }
        if (rowB != null)
        {
            even += Vector256.Load(rowB + ld) + Vector256.Load(rowB + 3 * ld - 1).WithElement(0, 0f);
            odd += Vector256.Load(rowB + 2 * ld) + Vector256.Load(rowB + 1).WithElement(7, 0f);
        }
        if (Avx512F.IsSupported) Vector512.Store(Avx512F.PermuteVar16x32(Vector512.Create(even, odd), Interleave8), dst);
        else StoreInterleaved(even, odd, dst);
    }

    private static readonly Vector256<float> AllButFirst8 = Vector256.Create(0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u).AsSingle();
    private static readonly Vector256<float> AllButLast8 = Vector256.Create(~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, 0u).AsSingle();

    /// <summary><see cref="FoldRowVector"/> in 8-lane registers (AVX).</summary>
    private static void FoldRowAvx(float* rowA, float* rowB, int ld, int wout, float* dst)
    {
        for (int b = 0; b < wout; b += 8)
        {
            var firstMask = b == 0 ? AllButFirst8 : Vector256<float>.AllBitsSet;
            var lastMask = b + 8 == wout ? AllButLast8 : Vector256<float>.AllBitsSet;
            Vector256<float> even = default, odd = default;
            if (rowA != null)
            {
                even += Vector256.Load(rowA + ld + b) + (Vector256.Load(rowA + 3 * ld + b - 1) & firstMask);
                odd += Vector256.Load(rowA + 2 * ld + b) + (Vector256.Load(rowA + b + 1) & lastMask);
            }
            if (rowB != null)
            {
                even += Vector256.Load(rowB + ld + b) + (Vector256.Load(rowB + 3 * ld + b - 1) & firstMask);
                odd += Vector256.Load(rowB + 2 * ld + b) + (Vector256.Load(rowB + b + 1) & lastMask);
            }
            StoreInterleaved(even, odd, dst + 2 * b);
        }
    }

    /// <summary>dst[0..16) = e0 o0 e1 o1 ... e7 o7: unpacks interleave within 128-bit halves, then the halves are reordered.</summary>
    private static void StoreInterleaved(Vector256<float> even, Vector256<float> odd, float* dst)
    {
        var low = Avx.UnpackLow(even, odd);   // e0 o0 e1 o1 | e4 o4 e5 o5
        var high = Avx.UnpackHigh(even, odd); // e2 o2 e3 o3 | e6 o6 e7 o7
        Avx.Permute2x128(low, high, 0x20).Store(dst);
        Avx.Permute2x128(low, high, 0x31).Store(dst + 8);
    }

    /// <summary>4x4 maps (8-wide output rows).</summary>
    private static void FoldRow4(float* rowA, float* rowB, int ld, float* dst)
    {
        Vector128<float> even = default, odd = default;
        if (rowA != null)
        {
            even += Vector128.Load(rowA + ld) + Vector128.Load(rowA + 3 * ld - 1).WithElement(0, 0f);
            odd += Vector128.Load(rowA + 2 * ld) + Vector128.Load(rowA + 1).WithElement(3, 0f);
        }
        if (rowB != null)
        {
            even += Vector128.Load(rowB + ld) + Vector128.Load(rowB + 3 * ld - 1).WithElement(0, 0f);
            odd += Vector128.Load(rowB + 2 * ld) + Vector128.Load(rowB + 1).WithElement(3, 0f);
        }
        Vector256.Store(Avx2.PermuteVar8x32(Vector256.Create(even, odd), Interleave4), dst);
    }

    /// <summary>Any geometry: image += fold of image nl's columns; the caller zeroes the image first.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void FoldAdd(in ConvGeometry g, float* cols, int ld, int nl, float* image)
    {
        int hout = g.Hout, wout = g.Wout, column0 = nl * hout * wout;
        for (int ci = 0; ci < g.Cin; ci++)
        {
            float* plane = image + (long)ci * g.Hin * g.Win;
            for (int ki = 0; ki < g.Kh; ki++)
            for (int kj = 0; kj < g.Kw; kj++)
            {
                float* row = cols + (long)((ci * g.Kh + ki) * g.Kw + kj) * ld + column0;
                for (int oh = 0; oh < hout; oh++)
                {
                    int ih = oh * g.StrideH - g.PadH + ki;
                    if ((uint)ih >= (uint)g.Hin) continue;
                    float* line = plane + ih * g.Win;
                    float* src = row + oh * wout;
                    int iw = kj - g.PadW;
                    for (int ow = 0; ow < wout; ow++, iw += g.StrideW)
                        if ((uint)iw < (uint)g.Win) line[iw] += src[ow];
                }
            }
        }
    }
}
