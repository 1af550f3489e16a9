using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace KernelGan.Kernels.Cpu;

/// <summary>
/// The register-blocked inner loop of the CPU GEMM: a 6 x 32 tile of C held in twelve 16-lane
/// accumulators while k runs over packed panels of A (6 rows, interleaved) and B (32 columns).
/// Twelve independent FMA chains cover the FMA latency on current cores; A arrives as broadcasts.
/// </summary>
internal static unsafe class GemmMicroKernel
{
    public const int MR = 6;
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
            a += MR;
            b += NR;
        }

        if (mr == MR && nr == NR)
        {
            var va = Vector512.Create(alpha);
            Store(cLo, c00, va, beta); Store(cHi, c01, va, beta);
            Store(cLo + ldc, c10, va, beta); Store(cHi + ldc, c11, va, beta);
            Store(cLo + 2 * ldc, c20, va, beta); Store(cHi + 2 * ldc, c21, va, beta);
            Store(cLo + 3 * ldc, c30, va, beta); Store(cHi + 3 * ldc, c31, va, beta);
            Store(cLo + 4 * ldc, c40, va, beta); Store(cHi + 4 * ldc, c41, va, beta);
            Store(cLo + 5 * ldc, c50, va, beta); Store(cHi + 5 * ldc, c51, va, beta);
            return;
        }

        // Edge tile: spill to a scratch tile and copy the valid part.
        float* tile = stackalloc float[MR * NR];
        c00.Store(tile); c01.Store(tile + 16);
        c10.Store(tile + 32); c11.Store(tile + 48);
        c20.Store(tile + 64); c21.Store(tile + 80);
        c30.Store(tile + 96); c31.Store(tile + 112);
        c40.Store(tile + 128); c41.Store(tile + 144);
        c50.Store(tile + 160); c51.Store(tile + 176);
        for (int i = 0; i < mr; i++)
        for (int j = 0; j < nr; j++)
        {
            float* dst = (j < 16 ? cLo + j : cHi + (j - 16)) + (long)i * ldc;
            float v = alpha * tile[i * NR + j];
            *dst = beta == 0f ? v : v + beta * *dst;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector512<float> acc, Vector512<float> alpha, float beta)
    {
        if (beta == 0f) Vector512.Store(acc * alpha, c);
        else if (beta == 1f) Vector512.Store(Vector512.FusedMultiplyAdd(acc, alpha, Vector512.Load(c)), c);
        else Vector512.Store(Vector512.FusedMultiplyAdd(acc, alpha, Vector512.Load(c) * Vector512.Create(beta)), c);
    }
}
