using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using KernelGan.Kernels.Cpu.Simd;

namespace KernelGan.Kernels.Cpu;

/// <summary>
/// The register-blocked inner loop of the CPU GEMM: an 8 x 32 tile of C computed from packed panels
/// of A (8 rows, interleaved) and B (32 columns). The packed layout is the same on every vector
/// path, so the packers (im2col, transposes, batching) exist once; what changes with the path is how
/// the tile is cut into register blocks. A block is R rows x 2 registers of C, with A arriving as
/// broadcasts: R = 8 where the ISA has 32 vector registers (AVX-512, NEON: 16 accumulators + 2 B +
/// 1 A = 19 of 32), R = 4 where it has 16 (AVX2, SSE: 8 + 2 + 1 = 11, no spills; 8 rows would need
/// 19). On AVX-512 one block is the whole tile; on AVX2 four blocks of 4 x 16 cover it, each a
/// separate pass over k whose half of the B strip (64 bytes per k) stays in L1.
/// MR = 8 divides every channel count of ref64 (32..256) and every Cin*16, so its convolutions
/// never hit a partial row tile.
/// </summary>
internal static unsafe class GemmMicroKernel
{
    public const int MR = 8;
    public const int NR = 32;

    /// <summary>
    /// C[0..mr, 0..nr] = alpha * sum_p A[:, p] B[p, :] + beta * C (beta == 0 ignores C), where
    /// <paramref name="a"/> is an MR-interleaved panel and <paramref name="b"/> an NR-interleaved one.
    /// The tile's columns 0..15 are at <paramref name="cLo"/> and 16..31 at <paramref name="cHi"/>
    /// (both with row stride ldc): a tile may straddle two images when C holds several images'
    /// outputs side by side, e.g. two 4x4 feature maps.
    /// </summary>
    public static void Run(int kc, float* a, float* b, float* cLo, float* cHi, int ldc, float alpha, float beta, int mr, int nr)
    {
        if (Vector512.IsHardwareAccelerated) Run<V512>(kc, a, b, cLo, cHi, ldc, alpha, beta, mr, nr);
        else if (Vector256.IsHardwareAccelerated) Run<V256>(kc, a, b, cLo, cHi, ldc, alpha, beta, mr, nr);
        else Run<V128>(kc, a, b, cLo, cHi, ldc, alpha, beta, mr, nr);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TV>(int kc, float* a, float* b, float* cLo, float* cHi, int ldc, float alpha, float beta, int mr, int nr)
        where TV : unmanaged, IVec<TV>
    {
        int rows = SimdPath.HasWideRegisterFile ? 8 : 4, cols = 2 * TV.Lanes;
        int lanes = TV.Lanes;
        if (mr == MR && nr == NR)
        {
            for (int j = 0; j < NR; j += cols)
            {
                // Each register's 1..16 columns lie in one half (lanes divides 16), but a block's two
                // registers may not: with 512-bit registers they are the two halves.
                float* c0 = j < 16 ? cLo + j : cHi + (j - 16);
                float* c1 = j + lanes < 16 ? cLo + j + lanes : cHi + (j + lanes - 16);
                for (int i = 0; i < MR; i += rows)
                    Block<TV>(kc, a + i, b + j, c0 + (long)i * ldc, c1 + (long)i * ldc, ldc, alpha, beta);
            }
            return;
        }

        // Edge tile: compute the blocks that hold valid elements into a scratch tile, then write
        // the valid part.
        float* tile = stackalloc float[MR * NR];
        for (int j = 0; j < nr; j += cols)
        for (int i = 0; i < mr; i += rows)
            Block<TV>(kc, a + i, b + j, tile + i * NR + j, tile + i * NR + j + lanes, NR, 1f, 0f);
        StoreEdge(tile, cLo, cHi, ldc, alpha, beta, mr, nr);
    }

    /// <summary>
    /// One register block: rows 0..R-1 of the strips at <paramref name="a"/> (R = 8 or 4, see the
    /// class summary) times 2 registers of columns at <paramref name="b"/>; the first register's
    /// columns go to c0, the second's to c1 (both with row stride ldc).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block<TV>(int kc, float* a, float* b, float* c0, float* c1, int ldc, float alpha, float beta)
        where TV : unmanaged, IVec<TV>
    {
        // A JIT-time constant: with 16 registers the rows 4..7 code and its accumulators vanish.
        bool eightRows = SimdPath.HasWideRegisterFile;
        int lanes = TV.Lanes;
        TV c00 = TV.Zero, c01 = TV.Zero, c10 = TV.Zero, c11 = TV.Zero, c20 = TV.Zero, c21 = TV.Zero, c30 = TV.Zero, c31 = TV.Zero;
        TV c40 = TV.Zero, c41 = TV.Zero, c50 = TV.Zero, c51 = TV.Zero, c60 = TV.Zero, c61 = TV.Zero, c70 = TV.Zero, c71 = TV.Zero;
        for (int p = 0; p < kc; p++)
        {
            var b0 = TV.Load(b);
            var b1 = TV.Load(b + lanes);
            var a0 = TV.Broadcast(a[0]);
            c00 = TV.MultiplyAdd(a0, b0, c00);
            c01 = TV.MultiplyAdd(a0, b1, c01);
            var a1 = TV.Broadcast(a[1]);
            c10 = TV.MultiplyAdd(a1, b0, c10);
            c11 = TV.MultiplyAdd(a1, b1, c11);
            var a2 = TV.Broadcast(a[2]);
            c20 = TV.MultiplyAdd(a2, b0, c20);
            c21 = TV.MultiplyAdd(a2, b1, c21);
            var a3 = TV.Broadcast(a[3]);
            c30 = TV.MultiplyAdd(a3, b0, c30);
            c31 = TV.MultiplyAdd(a3, b1, c31);
            if (eightRows)
            {
                var a4 = TV.Broadcast(a[4]);
                c40 = TV.MultiplyAdd(a4, b0, c40);
                c41 = TV.MultiplyAdd(a4, b1, c41);
                var a5 = TV.Broadcast(a[5]);
                c50 = TV.MultiplyAdd(a5, b0, c50);
                c51 = TV.MultiplyAdd(a5, b1, c51);
                var a6 = TV.Broadcast(a[6]);
                c60 = TV.MultiplyAdd(a6, b0, c60);
                c61 = TV.MultiplyAdd(a6, b1, c61);
                var a7 = TV.Broadcast(a[7]);
                c70 = TV.MultiplyAdd(a7, b0, c70);
                c71 = TV.MultiplyAdd(a7, b1, c71);
            }
            a += MR;
            b += NR;
        }

        // Everything here inlines: a call while the accumulators are live would make the JIT
        // spill them inside the loop (vector registers are caller-saved).
        var va = TV.Broadcast(alpha);
        Store(c0, c00, va, beta); Store(c1, c01, va, beta);
        Store(c0 + ldc, c10, va, beta); Store(c1 + ldc, c11, va, beta);
        Store(c0 + 2 * ldc, c20, va, beta); Store(c1 + 2 * ldc, c21, va, beta);
        Store(c0 + 3 * ldc, c30, va, beta); Store(c1 + 3 * ldc, c31, va, beta);
        if (!eightRows) return;
        Store(c0 + 4 * ldc, c40, va, beta); Store(c1 + 4 * ldc, c41, va, beta);
        Store(c0 + 5 * ldc, c50, va, beta); Store(c1 + 5 * ldc, c51, va, beta);
        Store(c0 + 6 * ldc, c60, va, beta); Store(c1 + 6 * ldc, c61, va, beta);
        Store(c0 + 7 * ldc, c70, va, beta); Store(c1 + 7 * ldc, c71, va, beta);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void StoreEdge(float* tile, float* cLo, float* cHi, int ldc, float alpha, float beta, int mr, int nr)
    {
        if (Avx512F.IsSupported)
        {
            var va = Vector512.Create(alpha);
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
    private static void Store<TV>(float* c, TV acc, TV alpha, float beta) where TV : unmanaged, IVec<TV>
    {
        if (beta == 0f) (acc * alpha).Store(c);
        else if (beta == 1f) TV.MultiplyAdd(acc, alpha, TV.Load(c)).Store(c);
        else TV.MultiplyAdd(acc, alpha, TV.Load(c) * TV.Broadcast(beta)).Store(c);
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
