using ILGPU;
using ILGPU.Runtime.Cuda;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>
/// Compile-time shape of a tensor-core GEMM tile: Warps x Warps warps, each computing a 32 x 32
/// block of C as 2 x 4 mma tiles of 16 x 8. A shared-memory slice is 8 Warps words of k per row
/// (8 Warps k values for TF32, 16 Warps for BF16), so every thread moves exactly 8 words of each
/// operand per slice, whatever the tile and format, and holds them in registers
/// (<see cref="Words8"/>) while the current slice is multiplied.
/// </summary>
internal interface ITensorTile
{
    int Warps { get; }
}

/// <summary>128 x 128 tiles, 16 warps (512 threads): large products on a GPU (36 KiB of shared memory).</summary>
internal struct TensorTile128 : ITensorTile
{
    public readonly int Warps => 4;
}

/// <summary>64 x 64 tiles, 4 warps: products too thin for 128-tiles to fill a GPU.</summary>
internal struct TensorTile64 : ITensorTile
{
    public readonly int Warps => 2;
}

/// <summary>32 x 32 tiles, one warp: what the CPU simulator runs (its cost grows with group size).</summary>
internal struct TensorTile32 : ITensorTile
{
    public readonly int Warps => 1;
}

/// <summary>
/// C = alpha * op(A) op(B) + beta * C on tensor cores (TF32 or BF16 inputs, fp32 accumulation),
/// with the fp32 GEMM's arguments, batching, split-k and transposes (<see cref="GemmArgs"/>).
/// Each k slice is loaded coalesced from global memory into registers, rounded to the format,
/// and stored in shared memory as 32-bit words, A as [row][k] and B as [col][k] (the "row.col"
/// operands of mma), rows padded by 4 words: a warp's fragment load, lane (g, t) reading word t of
/// row g, then touches 32 distinct banks. The next slice's loads are issued before the current
/// slice is multiplied, so their latency hides behind the mma (two barriers per slice, one shared
/// buffer: a second would not fit the 128-tile in 48 KiB). Out-of-range rows, columns and k are
/// stored as zeros, so edge tiles need no special case.
/// </summary>
internal static class TensorCoreGemmKernel
{
    private const int WarpSize = 32;

    public static void Gemm<TTile, TFormat>(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmArgs p)
        where TTile : struct, ITensorTile
        where TFormat : struct, ITensorFormat
    {
        var format = default(TFormat);
        int warps = default(TTile).Warps;
        int extent = 32 * warps, words = 8 * warps, pitch = words + 4;
        int sliceK = words * format.KPerWord, threads = WarpSize * warps * warps;
        var sharedA = SharedMemory.Allocate<uint>(32 * default(TTile).Warps * (8 * default(TTile).Warps + 4));
        var sharedB = SharedMemory.Allocate<uint>(32 * default(TTile).Warps * (8 * default(TTile).Warps + 4));
        // Only the emulated mma uses this, so it is dynamic shared memory, requested by the launch
        // only off CUDA: ILGPU keeps an unused static allocation, which would cost the 128-tile 24 KiB.
        var scratch = SharedMemory.GetDynamic<float>();

        int tid = Group.IdxX;
        int lane = tid % WarpSize, warp = tid / WarpSize;
        int warpRow = warp / warps, warpCol = warp - warpRow * warps;
        var warpScratch = CudaAsm.IsSupported ? scratch : scratch.SubView(warp * TensorMma.ScratchFloats, TensorMma.ScratchFloats);
        int batch = Grid.IdxZ / p.Splits, split = Grid.IdxZ - batch * p.Splits;
        int row0 = Grid.IdxY * extent, col0 = Grid.IdxX * extent;
        int kBegin = split * p.KChunk;
        int kEnd = Math.Min(p.K, kBegin + p.KChunk);
        var aTile = new Operand(a, batch * p.StrideA, p.TransA == 0, p.Lda, p.M, row0);
        var bTile = new Operand(b, batch * p.StrideB, p.TransB != 0, p.Ldb, p.N, col0);

        var acc = default(MmaAccumulator);
        // Row (or column) of this warp's first fragment, and the word offset of its lane.
        int groupId = lane >> 2, inGroup = lane & 3;
        int aRow = (warpRow * 32 + groupId) * pitch + inGroup;
        int bRow = (warpCol * 32 + groupId) * pitch + inGroup;
        if (kBegin < kEnd)
        {
            var nextA = Load(aTile, kBegin, kEnd, extent, words, tid, threads, format);
            var nextB = Load(bTile, kBegin, kEnd, extent, words, tid, threads, format);
            for (int k0 = kBegin; k0 < kEnd; k0 += sliceK)
            {
                Store(sharedA, nextA, aTile.KContiguous, extent, words, pitch, tid, threads);
                Store(sharedB, nextB, bTile.KContiguous, extent, words, pitch, tid, threads);
                Group.Barrier();
                if (k0 + sliceK < kEnd)
                {
                    nextA = Load(aTile, k0 + sliceK, kEnd, extent, words, tid, threads, format);
                    nextB = Load(bTile, k0 + sliceK, kEnd, extent, words, tid, threads, format);
                }
                // One mma step covers 8 words of k in both formats.
                for (int kw = 0; kw < words; kw += 8)
                    acc = Step<TFormat>(acc, sharedA, sharedB, aRow + kw, bRow + kw, pitch, warpScratch, lane);
                Group.Barrier();
            }
        }

        // Accumulator i of mma tile (mi, ni): row 16 mi + g + 8 (i >> 1), column 8 ni + 2 t + (i & 1).
        int top = row0 + warpRow * 32 + groupId, left = col0 + warpCol * 32 + 2 * inGroup;
        int cBase = batch * p.StrideC + split * p.SplitStrideC;
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
    /// This thread's 8 words of one operand's k slice, rounded to the format: word j is element
    /// e = tid + j * threads of the slice's [extent][words] grid. Consecutive threads take consecutive
    /// k when the matrix is contiguous along k, else consecutive outer indices, so reads coalesce.
    /// All 8 (BF16: 16) loads are issued before any is used.
    /// </summary>
    private static Words8 Load<TFormat>(Operand m, int k0, int kEnd, int extent, int words, int tid, int threads, TFormat format)
        where TFormat : struct, ITensorFormat => new()
    {
        W0 = Word(m, k0, kEnd, extent, words, tid, format),
        W1 = Word(m, k0, kEnd, extent, words, tid + threads, format),
        W2 = Word(m, k0, kEnd, extent, words, tid + 2 * threads, format),
        W3 = Word(m, k0, kEnd, extent, words, tid + 3 * threads, format),
        W4 = Word(m, k0, kEnd, extent, words, tid + 4 * threads, format),
        W5 = Word(m, k0, kEnd, extent, words, tid + 5 * threads, format),
        W6 = Word(m, k0, kEnd, extent, words, tid + 6 * threads, format),
        W7 = Word(m, k0, kEnd, extent, words, tid + 7 * threads, format),
    };

    private static uint Word<TFormat>(Operand m, int k0, int kEnd, int extent, int words, int e, TFormat format)
        where TFormat : struct, ITensorFormat
    {
        int outer = m.KContiguous ? e / words : e % extent;
        int word = m.KContiguous ? e - outer * words : e / extent;
        int k = k0 + word * format.KPerWord;
        float low = m.Element(outer, k, kEnd);
        float high = format.KPerWord == 2 ? m.Element(outer, k + 1, kEnd) : 0f;
        return format.Pack(low, high);
    }

    /// <summary>Writes this thread's 8 words where <see cref="Load"/> took them from: shared[outer * pitch + word].</summary>
    private static void Store(ArrayView<uint> shared, Words8 v, bool kContiguous, int extent, int words, int pitch, int tid, int threads)
    {
        StoreWord(shared, v.W0, kContiguous, extent, words, pitch, tid);
        StoreWord(shared, v.W1, kContiguous, extent, words, pitch, tid + threads);
        StoreWord(shared, v.W2, kContiguous, extent, words, pitch, tid + 2 * threads);
        StoreWord(shared, v.W3, kContiguous, extent, words, pitch, tid + 3 * threads);
        StoreWord(shared, v.W4, kContiguous, extent, words, pitch, tid + 4 * threads);
        StoreWord(shared, v.W5, kContiguous, extent, words, pitch, tid + 5 * threads);
        StoreWord(shared, v.W6, kContiguous, extent, words, pitch, tid + 6 * threads);
        StoreWord(shared, v.W7, kContiguous, extent, words, pitch, tid + 7 * threads);
    }

    private static void StoreWord(ArrayView<uint> shared, uint value, bool kContiguous, int extent, int words, int pitch, int e)
    {
        int outer = kContiguous ? e / words : e % extent;
        int word = kContiguous ? e - outer * words : e / extent;
        shared[outer * pitch + word] = value;
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
/// One operand of a GEMM tile as the kernel reads it: element (outer, k) is op(A)[outer, k] for A
/// (outer = row) and op(B)[k, outer] for B (outer = column), zero outside the matrix or past k's end.
/// </summary>
internal readonly struct Operand(ArrayView<float> data, int start, bool kContiguous, int ld, int outerSize, int outer0)
{
    public readonly ArrayView<float> Data = data;
    public readonly int Start = start, Ld = ld, OuterSize = outerSize, Outer0 = outer0;
    public readonly bool KContiguous = kContiguous;

    /// <summary>The element at tile-relative <paramref name="outer"/> and absolute <paramref name="k"/>.</summary>
    public float Element(int outer, int k, int kEnd)
    {
        int at = Outer0 + outer;
        if (at >= OuterSize || k >= kEnd) return 0f;
        return KContiguous ? Data[Start + at * Ld + k] : Data[Start + k * Ld + at];
    }
}

/// <summary>Eight 32-bit words in registers: one thread's share of an operand's k slice.</summary>
internal struct Words8
{
    public uint W0, W1, W2, W3, W4, W5, W6, W7;
}

/// <summary>
/// One lane's accumulators of its warp's 2 x 4 mma tiles (C[mi][ni], four floats each). Updated by
/// value, never by reference, so ILGPU keeps them in registers (as <see cref="Accumulator8x8"/>).
/// </summary>
internal struct MmaAccumulator
{
    public Float4 C00, C01, C02, C03, C10, C11, C12, C13;
}
