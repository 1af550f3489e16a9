using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace KernelGan.Kernels.Cpu;

/// <summary>
/// The register-blocked inner loop of the CPU GEMM: an 8 x 32 tile of C held in sixteen 16-lane
/// accumulators while k runs over packed panels of A (8 rows, interleaved) and B (32 columns).
/// Sixteen independent FMA chains cover the FMA latency of two pipes; A arrives as broadcasts.
/// MR = 8 divides every channel count of ref64 (32..256) and every Cin*16, so its convolutions
/// never hit a partial row tile.
/// </summary>
internal static unsafe class GemmMicroKernel
{
    public const int MR = 8;
    public const int NR = 32;

    /// <summary>
    /// C[0..mr, 0..nr] = alpha * sum_p A[:, p] B[p, :] + beta * C (beta == 0 ignores C).
    /// <paramref name="a"/> is an MR-interleaved panel, <paramref name="b"/> an NR-interleaved panel.
    /// </summary>
    public static void Run(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta, int mr, int nr) =>
        Run(kc, a, b, c, c + 16, ldc, alpha, beta, mr, nr);

    /// <summary>
    /// As above, with the tile's columns 0..15 at <paramref name="cLo"/> and 16..31 at
    /// <paramref name="cHi"/> (both with row stride ldc): a tile may straddle two images when C
    /// holds several images' outputs side by side, e.g. two 4x4 feature maps.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, float* cLo, float* cHi, int ldc, float alpha, float beta, int mr, int nr)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var a0 = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(a0, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(a1, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(a2, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(a3, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(a3, b1, c31);
            var a4 = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(a4, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(a4, b1, c41);
            var a5 = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(a5, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(a5, b1, c51);
            var a6 = Vector512.Create(a[6]);
            c60 = Vector512.FusedMultiplyAdd(a6, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(a6, b1, c61);
            var a7 = Vector512.Create(a[7]);
            c70 = Vector512.FusedMultiplyAdd(a7, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(a7, b1, c71);
            a += MR;
            b += NR;
        }

        if (mr == MR && nr == NR)
        {
            // Everything here inlines: a call while the accumulators are live would make the JIT
            // spill them inside the loop (vector registers are caller-saved).
            var va = Vector512.Create(alpha);
            Store(cLo, c00, va, beta); Store(cHi, c01, va, beta);
            Store(cLo + ldc, c10, va, beta); Store(cHi + ldc, c11, va, beta);
            Store(cLo + 2 * ldc, c20, va, beta); Store(cHi + 2 * ldc, c21, va, beta);
            Store(cLo + 3 * ldc, c30, va, beta); Store(cHi + 3 * ldc, c31, va, beta);
            Store(cLo + 4 * ldc, c40, va, beta); Store(cHi + 4 * ldc, c41, va, beta);
            Store(cLo + 5 * ldc, c50, va, beta); Store(cHi + 5 * ldc, c51, va, beta);
            Store(cLo + 6 * ldc, c60, va, beta); Store(cHi + 6 * ldc, c61, va, beta);
            Store(cLo + 7 * ldc, c70, va, beta); Store(cHi + 7 * ldc, c71, va, beta);
            return;
        }

        // Edge tile: spill, then write the valid part.
        float* tile = stackalloc float[MR * NR];
        c00.Store(tile); c01.Store(tile + 16);
        c10.Store(tile + 32); c11.Store(tile + 48);
        c20.Store(tile + 64); c21.Store(tile + 80);
        c30.Store(tile + 96); c31.Store(tile + 112);
        c40.Store(tile + 128); c41.Store(tile + 144);
        c50.Store(tile + 160); c51.Store(tile + 176);
        c60.Store(tile + 192); c61.Store(tile + 208);
        c70.Store(tile + 224); c71.Store(tile + 240);
        StoreEdge(tile, cLo, cHi, ldc, alpha, beta, mr, nr);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void StoreEdge(float* tile, float* cLo, float* cHi, int ldc, float alpha, float beta, int mr, int nr)
    {
        var va = Vector512.Create(alpha);
        if (Avx512F.IsSupported)
        {
            // Masked lanes only, so nothing past the matrix is read or written.
            var maskLo = LaneMask(nr);
            var maskHi = LaneMask(nr - 16);
            for (int i = 0; i < mr; i++)
            {
                StoreMasked(cLo + (long)i * ldc, Vector512.Load(tile + i * NR), va, beta, maskLo);
                StoreMasked(cHi + (long)i * ldc, Vector512.Load(tile + i * NR + 16), va, beta, maskHi);
            }
            return;
        }
        for (int i = 0; i < mr; i++)
        for (int j = 0; j < nr; j++)
        {
            float* dst = (j < 16 ? cLo + j : cHi + (j - 16)) + (long)i * ldc;
            float v = alpha * tile[i * NR + j];
            *dst = beta == 0f ? v : v + beta * *dst;
        }
    }

    /// <summary>All bits set in lanes 0..count-1 (count clamped to 0..16).</summary>
    private static Vector512<float> LaneMask(int count) =>
        Vector512.GreaterThan(Vector512.Create(count), Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector512<float> acc, Vector512<float> alpha, float beta)
    {
        if (beta == 0f) Vector512.Store(acc * alpha, c);
        else if (beta == 1f) Vector512.Store(Vector512.FusedMultiplyAdd(acc, alpha, Vector512.Load(c)), c);
        else Vector512.Store(Vector512.FusedMultiplyAdd(acc, alpha, Vector512.Load(c) * Vector512.Create(beta)), c);
    }

    /// <summary>Touches only the masked lanes, so it never reads or writes past the matrix.</summary>
    private static void StoreMasked(float* c, Vector512<float> acc, Vector512<float> alpha, float beta, Vector512<float> mask)
    {
        if (mask.AsInt32() == Vector512<int>.Zero) return;
        var v = acc * alpha;
        if (beta != 0f) v = Vector512.FusedMultiplyAdd(Avx512F.MaskLoad(c, mask, Vector512<float>.Zero), Vector512.Create(beta), v);
        Avx512F.MaskStore(c, mask, v);
    }
}
