using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using KernelGan.Kernels.Cpu.Simd;

namespace KernelGan.Kernels.Cpu;

/// <summary>
/// The register-blocked inner loop of the CPU GEMM: an 8 x 32 tile of C computed from packed panels
/// of A (8 rows, interleaved) and B (32 columns). The packed layout is the same on every vector
/// path, so the packers (im2col, transposes, batching) exist once; what changes with the path is how
/// the tile is cut into register blocks (A arrives as broadcasts, each accumulator is one FMA chain):
/// - 32 vector registers (AVX-512, NEON): blocks of 8 rows x 2 registers, 16 accumulators + 2 B +
///   1 A = 19 registers. On AVX-512 one block is the whole tile.
/// - 16 registers (AVX2, SSE): 8 rows x 2 would need 19 and spill, and 4 x 2 leaves only 8 chains,
///   too few to cover the FMA latency on two pipes once the JIT's register copies sit in them
///   (measured: 53 GFLOP/s on one core where OpenBLAS's Haswell kernel reaches 72). So rows 0..5 go
///   in blocks of 6 x 2 (12 chains + 2 B + 1 A = 15 registers) and rows 6..7 in blocks of 2 x 4
///   (8 chains + 4 B + 1 A = 13).
/// Each block is a pass over k; its share of the B strip stays in L1 between passes. The blocks are
/// generic over the intrinsic vector types (<see cref="IFloatRegisters{TR}"/>), not the IVec
/// wrappers, which cost a register copy per FMA in half the AVX2 block's chains.
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
        if (Vector512.IsHardwareAccelerated) Run<Vector512<float>, Registers512>(kc, a, b, cLo, cHi, ldc, alpha, beta, mr, nr);
        else if (Vector256.IsHardwareAccelerated) Run<Vector256<float>, Registers256>(kc, a, b, cLo, cHi, ldc, alpha, beta, mr, nr);
        else Run<Vector128<float>, Registers128>(kc, a, b, cLo, cHi, ldc, alpha, beta, mr, nr);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TR, TOps>(int kc, float* a, float* b, float* cLo, float* cHi, int ldc, float alpha, float beta, int mr, int nr)
        where TR : unmanaged where TOps : IFloatRegisters<TR>
    {
        if (mr == MR && nr == NR)
        {
            Blocks<TR, TOps>(kc, a, b, cLo, cHi, ldc, alpha, beta, MR, NR);
            return;
        }
        // Edge tile: compute the blocks that hold valid elements into a scratch tile (its columns
        // 16..31 at tile + 16, row stride NR), then write the valid part.
        float* tile = stackalloc float[MR * NR];
        Blocks<TR, TOps>(kc, a, b, tile, tile + 16, NR, 1f, 0f, mr, nr);
        StoreEdge(tile, cLo, cHi, ldc, alpha, beta, mr, nr);
    }

    /// <summary>The register blocks covering rows [0, mr) and columns [0, nr) of the tile (see the class summary).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Blocks<TR, TOps>(int kc, float* a, float* b, float* cLo, float* cHi, int ldc, float alpha, float beta, int mr, int nr)
        where TR : unmanaged where TOps : IFloatRegisters<TR>
    {
        int pair = 2 * TOps.Lanes;
        var scale = new TileScale(alpha, beta);
        if (SimdPath.HasWideRegisterFile)
        {
            for (int j = 0; j < nr; j += pair)
                Block<TR, TOps, Rows8Registers2>(kc, a, b, cLo, cHi, ldc, j, &scale);
            return;
        }
        for (int j = 0; j < nr; j += pair)
            Block<TR, TOps, Rows6Registers2>(kc, a, b, cLo, cHi, ldc, j, &scale);
        if (mr <= 6) return;
        float* a6 = a + 6, cLo6 = cLo + 6L * ldc, cHi6 = cHi + 6L * ldc;
        for (int j = 0; j < nr; j += 2 * pair)
            Block<TR, TOps, Rows2Registers4>(kc, a6, b, cLo6, cHi6, ldc, j, &scale);
    }

    /// <summary>
    /// alpha and beta, which a block reads only after its loop over k. Passed by pointer, not as
    /// float arguments: an argument stays live in a vector register through the loop, and on the
    /// 16-register paths without FMA (SSE) the 6 x 2 block needs all 16 (12 accumulators, 2 B, 1 A
    /// and the product before its add), so beta in xmm1 pushed an accumulator out to the stack,
    /// a store and a reload on every step of k (seen in `DOTNET_JitDisasm`).
    /// </summary>
    private readonly struct TileScale(float alpha, float beta)
    {
        public readonly float Alpha = alpha, Beta = beta;
    }

    /// <summary>A register block's shape: JIT-time constants, so unused rows and registers compile away.</summary>
    private interface IBlockShape
    {
        static abstract int Rows { get; }
        static abstract int Registers { get; }
    }

    private struct Rows8Registers2 : IBlockShape { public static int Rows => 8; public static int Registers => 2; }
    private struct Rows6Registers2 : IBlockShape { public static int Rows => 6; public static int Registers => 2; }
    private struct Rows2Registers4 : IBlockShape { public static int Rows => 2; public static int Registers => 4; }

    /// <summary>
    /// One register block: rows 0..Rows-1 of the A strip at <paramref name="a"/> times Registers
    /// registers of B columns starting at tile column <paramref name="column"/>, written to C (tile
    /// columns 0..15 at cLo, 16..31 at cHi, row stride ldc). A register's columns never straddle the
    /// halves (lanes divides 16); a block's registers may (on AVX-512 they are the two halves).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block<TR, TOps, TShape>(int kc, float* a, float* b, float* cLo, float* cHi, int ldc, int column, TileScale* scale)
        where TR : unmanaged where TOps : IFloatRegisters<TR> where TShape : struct, IBlockShape
    {
        int lanes = TOps.Lanes;
        int rows = TShape.Rows;
        bool four = TShape.Registers == 4;
        b += column;
        PrefetchOutput(cLo, cHi, ldc, column, rows, TShape.Registers * lanes);
        TR c00 = TOps.Zero, c01 = TOps.Zero, c02 = TOps.Zero, c03 = TOps.Zero, c10 = TOps.Zero, c11 = TOps.Zero, c12 = TOps.Zero, c13 = TOps.Zero;
        TR c20 = TOps.Zero, c21 = TOps.Zero, c30 = TOps.Zero, c31 = TOps.Zero, c40 = TOps.Zero, c41 = TOps.Zero, c50 = TOps.Zero, c51 = TOps.Zero;
        TR c60 = TOps.Zero, c61 = TOps.Zero, c70 = TOps.Zero, c71 = TOps.Zero;
        for (int p = 0; p < kc; p++)
        {
            var b0 = TOps.Load(b);
            var b1 = TOps.Load(b + lanes);
            var a0 = TOps.BroadcastLoad(a + 0);
            c00 = TOps.MultiplyAdd(a0, b0, c00);
            c01 = TOps.MultiplyAdd(a0, b1, c01);
            var a1 = TOps.BroadcastLoad(a + 1);
            c10 = TOps.MultiplyAdd(a1, b0, c10);
            c11 = TOps.MultiplyAdd(a1, b1, c11);
            if (four)
            {
                var b2 = TOps.Load(b + 2 * lanes);
                var b3 = TOps.Load(b + 3 * lanes);
                c02 = TOps.MultiplyAdd(a0, b2, c02);
                c03 = TOps.MultiplyAdd(a0, b3, c03);
                c12 = TOps.MultiplyAdd(a1, b2, c12);
                c13 = TOps.MultiplyAdd(a1, b3, c13);
            }
            if (rows > 2)
            {
                var a2 = TOps.BroadcastLoad(a + 2);
                c20 = TOps.MultiplyAdd(a2, b0, c20);
                c21 = TOps.MultiplyAdd(a2, b1, c21);
                var a3 = TOps.BroadcastLoad(a + 3);
                c30 = TOps.MultiplyAdd(a3, b0, c30);
                c31 = TOps.MultiplyAdd(a3, b1, c31);
            }
            if (rows > 4)
            {
                var a4 = TOps.BroadcastLoad(a + 4);
                c40 = TOps.MultiplyAdd(a4, b0, c40);
                c41 = TOps.MultiplyAdd(a4, b1, c41);
                var a5 = TOps.BroadcastLoad(a + 5);
                c50 = TOps.MultiplyAdd(a5, b0, c50);
                c51 = TOps.MultiplyAdd(a5, b1, c51);
            }
            if (rows > 6)
            {
                var a6 = TOps.BroadcastLoad(a + 6);
                c60 = TOps.MultiplyAdd(a6, b0, c60);
                c61 = TOps.MultiplyAdd(a6, b1, c61);
                var a7 = TOps.BroadcastLoad(a + 7);
                c70 = TOps.MultiplyAdd(a7, b0, c70);
                c71 = TOps.MultiplyAdd(a7, b1, c71);
            }
            a += MR;
            b += NR;
        }

        // Everything here inlines: a call while the accumulators are live would make the JIT
        // spill them inside the loop (vector registers are caller-saved).
        var va = TOps.Broadcast(scale->Alpha);
        float beta = scale->Beta;
        float* r0 = column < 16 ? cLo + column : cHi + (column - 16);
        int c1 = column + lanes;
        float* r1 = c1 < 16 ? cLo + c1 : cHi + (c1 - 16);
        Store<TR, TOps>(r0, c00, va, beta); Store<TR, TOps>(r1, c01, va, beta);
        Store<TR, TOps>(r0 + ldc, c10, va, beta); Store<TR, TOps>(r1 + ldc, c11, va, beta);
        if (four)
        {
            int c2 = column + 2 * lanes, c3 = column + 3 * lanes;
            float* r2 = c2 < 16 ? cLo + c2 : cHi + (c2 - 16);
            float* r3 = c3 < 16 ? cLo + c3 : cHi + (c3 - 16);
            Store<TR, TOps>(r2, c02, va, beta); Store<TR, TOps>(r3, c03, va, beta);
            Store<TR, TOps>(r2 + ldc, c12, va, beta); Store<TR, TOps>(r3 + ldc, c13, va, beta);
        }
        if (rows > 2)
        {
            Store<TR, TOps>(r0 + 2 * ldc, c20, va, beta); Store<TR, TOps>(r1 + 2 * ldc, c21, va, beta);
            Store<TR, TOps>(r0 + 3 * ldc, c30, va, beta); Store<TR, TOps>(r1 + 3 * ldc, c31, va, beta);
        }
        if (rows > 4)
        {
            Store<TR, TOps>(r0 + 4 * ldc, c40, va, beta); Store<TR, TOps>(r1 + 4 * ldc, c41, va, beta);
            Store<TR, TOps>(r0 + 5 * ldc, c50, va, beta); Store<TR, TOps>(r1 + 5 * ldc, c51, va, beta);
        }
        if (rows > 6)
        {
            Store<TR, TOps>(r0 + 6 * ldc, c60, va, beta); Store<TR, TOps>(r1 + 6 * ldc, c61, va, beta);
            Store<TR, TOps>(r0 + 7 * ldc, c70, va, beta); Store<TR, TOps>(r1 + 7 * ldc, c71, va, beta);
        }
    }

    /// <summary>
    /// Asks for the block's rows of C before the loop over k, so that their trip from L2/L3 (C rows
    /// are often a power of two apart, 4 KB for a 1024-wide C, and collide in one L1 set) overlaps
    /// the block's arithmetic instead of stalling its stores. Measured on a Zen 3 (AVX2, no
    /// AVX-512): GEMM 1024^3 on two cores 64-79 GFLOP/s without, 72-84 with, in turns
    /// (bench/results/cpu-2026-12-02-zen3.md). The 32-register paths go without it: no AVX-512 or ARM
    /// machine was at hand to show that it does not cost them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchOutput(float* cLo, float* cHi, int ldc, int column, int rows, int width)
    {
        if (!Sse.IsSupported || SimdPath.HasWideRegisterFile) return;
        for (int c = column; c < column + width; c += 16)
        {
            float* r = c < 16 ? cLo + c : cHi + (c - 16);
            // A 16-column run is one cache line only when C's row starts 64-byte aligned, so
            // both of its ends are asked for.
            for (int i = 0; i < rows; i++)
            {
                Sse.Prefetch0(r + (long)i * ldc);
                Sse.Prefetch0(r + (long)i * ldc + 15);
            }
        }
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
    private static void Store<TR, TOps>(float* c, TR acc, TR alpha, float beta) where TR : unmanaged where TOps : IFloatRegisters<TR>
    {
        if (beta == 0f) TOps.Store(TOps.Multiply(acc, alpha), c);
        else if (beta == 1f) TOps.Store(TOps.MultiplyAdd(acc, alpha, TOps.Load(c)), c);
        else TOps.Store(TOps.MultiplyAdd(acc, alpha, TOps.Multiply(TOps.Load(c), TOps.Broadcast(beta))), c);
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
