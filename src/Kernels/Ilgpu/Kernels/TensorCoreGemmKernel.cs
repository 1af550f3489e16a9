using ILGPU;
using ILGPU.Runtime.Cuda;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>
/// Compile-time shape of a tensor-core GEMM tile: WarpsM x WarpsN warps, each computing a 32 x 32
/// block of C as 2 x 4 mma tiles of 16 x 8, stepping k by <see cref="SliceK"/> through shared memory.
/// </summary>
internal interface ITensorTile
{
    int WarpsM { get; }
    int WarpsN { get; }

    /// <summary>k values per shared-memory slice (a multiple of 16, so whole BF16 mma steps fit).</summary>
    int SliceK { get; }
}

/// <summary>128 x 128 tiles, 16 warps (512 threads): large products on a GPU (36 KiB of shared memory with TF32).</summary>
internal struct TensorTile128 : ITensorTile
{
    public readonly int WarpsM => 4;
    public readonly int WarpsN => 4;
    public readonly int SliceK => 32;
}

/// <summary>64 x 64 tiles, 4 warps: products too thin for 128-tiles to fill a GPU.</summary>
internal struct TensorTile64 : ITensorTile
{
    public readonly int WarpsM => 2;
    public readonly int WarpsN => 2;
    public readonly int SliceK => 32;
}

/// <summary>32 x 32 tiles, one warp: what the CPU simulator runs (its cost grows with group size).</summary>
internal struct TensorTile32 : ITensorTile
{
    public readonly int WarpsM => 1;
    public readonly int WarpsN => 1;
    public readonly int SliceK => 16;
}

/// <summary>
/// C = alpha * op(A) op(B) + beta * C on tensor cores (TF32 or BF16 inputs, fp32 accumulation),
/// with the fp32 GEMM's arguments, batching, split-k and transposes (<see cref="GemmArgs"/>).
/// Each k slice is loaded coalesced from global memory, rounded to the format and stored in shared
/// memory as 32-bit words, A as [row][k] and B as [col][k] (the "row.col" operands of mma), rows
/// padded by 4 words: a warp's fragment load, lane (g, t) reading word t of row g, then touches 32
/// distinct banks. Out-of-range rows, columns and k are stored as zeros, so edge tiles need no
/// special case. Single-buffered (two barriers per slice); register double-buffering or cp.async
/// would hide more latency and are the next step once this has been measured on a GPU.
/// </summary>
internal static class TensorCoreGemmKernel
{
    private const int WarpSize = 32;

    public static void Gemm<TTile, TFormat>(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmArgs p)
        where TTile : struct, ITensorTile
        where TFormat : struct, ITensorFormat
    {
        var format = default(TFormat);
        int warpsN = default(TTile).WarpsN;
        int rows = 32 * default(TTile).WarpsM, cols = 32 * warpsN;
        int kpw = format.KPerWord, sliceK = default(TTile).SliceK;
        int words = sliceK / kpw, pitch = words + 4;
        int threads = WarpSize * default(TTile).WarpsM * warpsN;
        // Sized for TF32 (one k per word); BF16 uses the first half.
        var sharedA = SharedMemory.Allocate<uint>(32 * default(TTile).WarpsM * (default(TTile).SliceK + 4));
        var sharedB = SharedMemory.Allocate<uint>(32 * default(TTile).WarpsN * (default(TTile).SliceK + 4));
        // Only the emulated mma uses this, so it is dynamic shared memory, requested by the launch
        // only off CUDA: ILGPU keeps an unused static allocation, which would cost the 128-tile 24 KiB.
        var scratch = SharedMemory.GetDynamic<float>();

        int tid = Group.IdxX;
        int lane = tid % WarpSize, warp = tid / WarpSize;
        int warpRow = warp / warpsN, warpCol = warp - warpRow * warpsN;
        var warpScratch = CudaAsm.IsSupported ? scratch : scratch.SubView(warp * TensorMma.ScratchFloats, TensorMma.ScratchFloats);
        int batch = Grid.IdxZ / p.Splits, split = Grid.IdxZ - batch * p.Splits;
        int row0 = Grid.IdxY * rows, col0 = Grid.IdxX * cols;
        int kBegin = split * p.KChunk;
        int kEnd = Math.Min(p.K, kBegin + p.KChunk);
        int aBase = batch * p.StrideA, bBase = batch * p.StrideB;
        int cBase = batch * p.StrideC + split * p.SplitStrideC;

        var acc = default(MmaAccumulator);
        // Row (or column) of this warp's first fragment, and the word offset of its lane.
        int groupId = lane >> 2, inGroup = lane & 3;
        int aRow = (warpRow * 32 + groupId) * pitch + inGroup;
        int bRow = (warpCol * 32 + groupId) * pitch + inGroup;
        for (int k0 = kBegin; k0 < kEnd; k0 += sliceK)
        {
            StoreSlice(a, aBase, p.TransA == 0, p.Lda, p.M, row0, rows, k0, kEnd, words, pitch, tid, threads, sharedA, format);
            StoreSlice(b, bBase, p.TransB != 0, p.Ldb, p.N, col0, cols, k0, kEnd, words, pitch, tid, threads, sharedB, format);
            Group.Barrier();
            // One mma step covers 8 words of k in both formats.
            for (int kw = 0; kw < words; kw += 8)
                acc = Step<TFormat>(acc, sharedA, sharedB, aRow + kw, bRow + kw, pitch, warpScratch, lane);
            Group.Barrier();
        }

        // Accumulator i of mma tile (mi, ni): row 16 mi + g + 8 (i >> 1), column 8 ni + 2 t + (i & 1).
        int top = row0 + warpRow * 32 + groupId, left = col0 + warpCol * 32 + 2 * inGroup;
        StoreTile(c, cBase, p, top, left, acc.C00);
        StoreTile(c, cBase, p, top, left + 8, acc.C01);
        StoreTile(c, cBase, p, top, left + 16, acc.C02);
        StoreTile(c, cBase, p, top, left + 24, acc.C03);
        StoreTile(c, cBase, p, top + 16, left, acc.C10);
        StoreTile(c, cBase, p, top + 16, left + 8, acc.C11);
        StoreTile(c, cBase, p, top + 16, left + 16, acc.C12);
        StoreTile(c, cBase, p, top + 16, left + 24, acc.C13);
    }

    /// <summary>
    /// One warp's 2 x 4 mma tiles for one k step. Fragment words (PTX's layouts restated per word,
    /// identical for TF32 and BF16): A word j of lane (g, t) is row g + 8 (j &amp; 1), k-word t + 4 (j >> 1);
    /// B word j is column g, k-word t + 4 j. <paramref name="aAt"/>/<paramref name="bAt"/> point at the
    /// lane's word (g, t) of the warp's first A row / B column at this step.
    /// </summary>
    private static MmaAccumulator Step<TFormat>(MmaAccumulator acc, ArrayView<uint> sa, ArrayView<uint> sb, int aAt, int bAt, int pitch,
                                                ArrayView<float> scratch, int lane)
        where TFormat : struct, ITensorFormat
    {
        int down8 = 8 * pitch, down16 = 16 * pitch;
        uint x0 = sa[aAt], x1 = sa[aAt + down8], x2 = sa[aAt + 4], x3 = sa[aAt + down8 + 4];
        aAt += down16;
        uint z0 = sa[aAt], z1 = sa[aAt + down8], z2 = sa[aAt + 4], z3 = sa[aAt + down8 + 4];
        uint b00 = sb[bAt], b01 = sb[bAt + 4];
        uint b10 = sb[bAt + down8], b11 = sb[bAt + down8 + 4];
        uint b20 = sb[bAt + down16], b21 = sb[bAt + down16 + 4];
        uint b30 = sb[bAt + down16 + down8], b31 = sb[bAt + down16 + down8 + 4];
        return new MmaAccumulator
        {
            C00 = TensorMma.Mma<TFormat>(acc.C00, x0, x1, x2, x3, b00, b01, scratch, lane),
            C01 = TensorMma.Mma<TFormat>(acc.C01, x0, x1, x2, x3, b10, b11, scratch, lane),
            C02 = TensorMma.Mma<TFormat>(acc.C02, x0, x1, x2, x3, b20, b21, scratch, lane),
            C03 = TensorMma.Mma<TFormat>(acc.C03, x0, x1, x2, x3, b30, b31, scratch, lane),
            C10 = TensorMma.Mma<TFormat>(acc.C10, z0, z1, z2, z3, b00, b01, scratch, lane),
            C11 = TensorMma.Mma<TFormat>(acc.C11, z0, z1, z2, z3, b10, b11, scratch, lane),
            C12 = TensorMma.Mma<TFormat>(acc.C12, z0, z1, z2, z3, b20, b21, scratch, lane),
            C13 = TensorMma.Mma<TFormat>(acc.C13, z0, z1, z2, z3, b30, b31, scratch, lane),
        };
    }

    /// <summary>
    /// Rounds and stores one operand's k slice: shared[outer * pitch + word] for outer in [0, extent),
    /// word in [0, words), covering k0 + word * KPerWord (+1). Consecutive threads take consecutive
    /// k when the matrix is contiguous along k, else consecutive outer indices, so global reads coalesce.
    /// For A, outer is the row of op(A) (element [outer, k]); for B, the column of op(B) ([k, outer]).
    /// </summary>
    private static void StoreSlice<TFormat>(ArrayView<float> m, int mBase, bool kContiguous, int ld, int outerSize, int outer0, int extent,
                                            int k0, int kEnd, int words, int pitch, int tid, int threads, ArrayView<uint> shared, TFormat format)
        where TFormat : struct, ITensorFormat
    {
        int kpw = format.KPerWord;
        for (int w = tid; w < extent * words; w += threads)
        {
            int outer = kContiguous ? w / words : w % extent;
            int word = kContiguous ? w - outer * words : w / extent;
            int k = k0 + word * kpw;
            float low = Element(m, mBase, kContiguous, ld, outer0 + outer, outerSize, k, kEnd);
            float high = kpw == 2 ? Element(m, mBase, kContiguous, ld, outer0 + outer, outerSize, k + 1, kEnd) : 0f;
            shared[outer * pitch + word] = format.Pack(low, high);
        }
    }

    /// <summary>The operand's element at (outer, k), or 0 outside the matrix or past this split's k.</summary>
    private static float Element(ArrayView<float> m, int mBase, bool kContiguous, int ld, int outer, int outerSize, int k, int kEnd)
    {
        if (outer >= outerSize || k >= kEnd) return 0f;
        return kContiguous ? m[mBase + outer * ld + k] : m[mBase + k * ld + outer];
    }

    /// <summary>One mma tile's four accumulators: (row, col), (row, col + 1), (row + 8, col), (row + 8, col + 1).</summary>
    private static void StoreTile(ArrayView<float> c, int cBase, GemmArgs p, int row, int col, Float4 v)
    {
        StoreElement(c, cBase, p, row, col, v.X);
        StoreElement(c, cBase, p, row, col + 1, v.Y);
        StoreElement(c, cBase, p, row + 8, col, v.Z);
        StoreElement(c, cBase, p, row + 8, col + 1, v.W);
    }

    private static void StoreElement(ArrayView<float> c, int cBase, GemmArgs p, int row, int col, float acc)
    {
        if (row >= p.M || col >= p.N) return;
        int at = cBase + row * p.Ldc + col;
        float v = p.Alpha * acc;
        if (p.Beta != 0f) v += p.Beta * c[at];
        c[at] = v;
    }
}

/// <summary>
/// One lane's accumulators of its warp's 2 x 4 mma tiles (C[mi][ni], four floats each). Updated by
/// value, never by reference, so ILGPU keeps them in registers (as <see cref="Accumulator8x8"/>).
/// </summary>
internal struct MmaAccumulator
{
    public Float4 C00, C01, C02, C03, C10, C11, C12, C13;
}
