using ILGPU;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>
/// Compile-time shape of a GEMM tile: a group of T x T threads computes a (8T) x (8T) block of C,
/// each thread an 8 x 8 sub-block, stepping through k in slices of T/2. With these ratios every
/// thread loads exactly 4 elements of A and 4 of B per slice. ILGPU specializes the kernel per
/// struct, so T folds into constants (shared array sizes, loop bounds).
/// </summary>
internal interface IGemmTile
{
    int Threads { get; }
}

/// <summary>128 x 128 tiles, 256 threads, k slices of 8: the large-matrix configuration for GPUs.</summary>
internal struct GemmTile128 : IGemmTile
{
    public readonly int Threads => 16;
}

/// <summary>64 x 64 tiles, 64 threads: for products too small to fill a GPU with 128-tiles.</summary>
internal struct GemmTile64 : IGemmTile
{
    public readonly int Threads => 8;
}

/// <summary>32 x 32 tiles, 16 threads: what the CPU simulator runs (its cost grows with group size).</summary>
internal struct GemmTile32 : IGemmTile
{
    public readonly int Threads => 4;
}

/// <summary>Arguments of one (possibly batched, possibly split-k) GEMM launch. Views start at the matrices' offsets.</summary>
internal struct GemmArgs
{
    public int M, N, K;
    public int Lda, Ldb, Ldc;
    public int StrideA, StrideB, StrideC;
    public float Alpha, Beta;
    public int TransA, TransB;

    /// <summary>Grid z runs over Batch * Splits; split s covers k in [s*KChunk, min(K, (s+1)*KChunk)).</summary>
    public int Splits, KChunk;

    /// <summary>Distance in C between the outputs of consecutive splits (0 when Splits = 1).</summary>
    public int SplitStrideC;
}

/// <summary>
/// C = alpha * op(A) op(B) + beta * C with shared-memory tiles and 8 x 8 register blocking.
/// Thread (tx, ty) owns rows {4ty..4ty+3, 4T+4ty..4T+4ty+3} and the same pattern of columns, so its
/// operands are two Float4 reads per matrix per k step (no bank conflicts: a warp reads 16
/// consecutive Float4 of B and two of A, broadcast). Tiles are double buffered: the next slice is
/// fetched into registers while the current one is multiplied, so one barrier per slice suffices.
/// Shared rows are padded by 4 floats so the transposing stores of a non-transposed A don't conflict.
/// </summary>
internal static class GemmKernel
{
    public static void Gemm<TTile>(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmArgs p)
        where TTile : struct, IGemmTile
    {
        // Tile constants (folded at kernel compile time).
        int T = default(TTile).Threads;
        int tile = 8 * T, slice = T / 2, pitch = 8 * T + 4;
        var sharedA = SharedMemory.Allocate<Float4>(2 * (default(TTile).Threads / 2) * ((8 * default(TTile).Threads + 4) / 4));
        var sharedB = SharedMemory.Allocate<Float4>(2 * (default(TTile).Threads / 2) * ((8 * default(TTile).Threads + 4) / 4));
        var scalarA = sharedA.Cast<float>();
        var scalarB = sharedB.Cast<float>();

        int tid = Group.IdxX;
        int tx = tid % T, ty = tid / T;
        int batch = Grid.IdxZ / p.Splits, split = Grid.IdxZ - batch * p.Splits;
        int row0 = Grid.IdxY * tile, col0 = Grid.IdxX * tile;
        int kBegin = split * p.KChunk;
        int kEnd = Math.Min(p.K, kBegin + p.KChunk);
        int aBase = batch * p.StrideA, bBase = batch * p.StrideB;
        int cBase = batch * p.StrideC + split * p.SplitStrideC;

        // Which 4 elements of each tile slice this thread loads (element e = tid + l*T*T):
        // coalesced along the matrix's contiguous dim, whichever that is for the layout.
        int threads = T * T;
        LoadCoordinates(p.TransA != 0, tid, threads, tile, slice, out var aRow, out var aK);
        LoadCoordinates(p.TransB == 0, tid, threads, tile, slice, out var bCol, out var bK);

        var acc = default(Accumulator8x8);
        int slices = kEnd > kBegin ? (kEnd - kBegin + slice - 1) / slice : 0;
        if (slices > 0)
        {
            var pa = LoadA(a, aBase, p, row0, kBegin, kEnd, aRow, aK);
            var pb = LoadB(b, bBase, p, col0, kBegin, kEnd, bCol, bK);
            Store(scalarA, 0, slice, pitch, aRow, aK, pa);
            Store(scalarB, 0, slice, pitch, bCol, bK, pb);
            Group.Barrier();
            int quads = pitch / 4;
            for (int s = 0; s < slices; s++)
            {
                int buffer = s & 1;
                bool more = s + 1 < slices;
                if (more)
                {
                    int k0 = kBegin + (s + 1) * slice;
                    pa = LoadA(a, aBase, p, row0, k0, kEnd, aRow, aK);
                    pb = LoadB(b, bBase, p, col0, k0, kEnd, bCol, bK);
                }
                // Two k steps per iteration (slice is even): half the loop overhead per FMA.
                for (int kk = 0; kk < slice; kk += 2)
                {
                    int at = (buffer * slice + kk) * quads;
                    acc = Accumulator8x8.Update(acc, sharedA[at + ty], sharedA[at + T + ty], sharedB[at + tx], sharedB[at + T + tx]);
                    at += quads;
                    acc = Accumulator8x8.Update(acc, sharedA[at + ty], sharedA[at + T + ty], sharedB[at + tx], sharedB[at + T + tx]);
                }
                if (more)
                {
                    Store(scalarA, 1 - buffer, slice, pitch, aRow, aK, pa);
                    Store(scalarB, 1 - buffer, slice, pitch, bCol, bK, pb);
                }
                Group.Barrier();
            }
        }

        int rowTop = row0 + 4 * ty, rowBottom = row0 + 4 * T + 4 * ty;
        int colLeft = col0 + 4 * tx, colRight = col0 + 4 * T + 4 * tx;
        StoreRow(c, cBase, p, rowTop, colLeft, colRight, acc.R0L, acc.R0R);
        StoreRow(c, cBase, p, rowTop + 1, colLeft, colRight, acc.R1L, acc.R1R);
        StoreRow(c, cBase, p, rowTop + 2, colLeft, colRight, acc.R2L, acc.R2R);
        StoreRow(c, cBase, p, rowTop + 3, colLeft, colRight, acc.R3L, acc.R3R);
        StoreRow(c, cBase, p, rowBottom, colLeft, colRight, acc.R4L, acc.R4R);
        StoreRow(c, cBase, p, rowBottom + 1, colLeft, colRight, acc.R5L, acc.R5R);
        StoreRow(c, cBase, p, rowBottom + 2, colLeft, colRight, acc.R6L, acc.R6R);
        StoreRow(c, cBase, p, rowBottom + 3, colLeft, colRight, acc.R7L, acc.R7R);
    }

    /// <summary>
    /// Tile-relative (outer index, k) of this thread's four loads. When the matrix is contiguous
    /// along the outer index (transposed A, plain B) consecutive threads take consecutive outer
    /// indices; otherwise consecutive k.
    /// </summary>
    private static void LoadCoordinates(bool outerContiguous, int tid, int threads, int tile, int slice,
                                        out Int4 outer, out Int4 k)
    {
        outer = new Int4
        {
            X = Outer(outerContiguous, tid, tile, slice),
            Y = Outer(outerContiguous, tid + threads, tile, slice),
            Z = Outer(outerContiguous, tid + 2 * threads, tile, slice),
            W = Outer(outerContiguous, tid + 3 * threads, tile, slice),
        };
        k = new Int4
        {
            X = Depth(outerContiguous, tid, tile, slice),
            Y = Depth(outerContiguous, tid + threads, tile, slice),
            Z = Depth(outerContiguous, tid + 2 * threads, tile, slice),
            W = Depth(outerContiguous, tid + 3 * threads, tile, slice),
        };
    }

    private static int Outer(bool outerContiguous, int e, int tile, int slice) => outerContiguous ? e % tile : e / slice;

    private static int Depth(bool outerContiguous, int e, int tile, int slice) => outerContiguous ? e / tile : e % slice;

    private static Float4 LoadA(ArrayView<float> a, int aBase, GemmArgs p, int row0, int k0, int kEnd, Int4 rows, Int4 ks) => new()
    {
        X = ElementA(a, aBase, p, row0 + rows.X, k0 + ks.X, kEnd),
        Y = ElementA(a, aBase, p, row0 + rows.Y, k0 + ks.Y, kEnd),
        Z = ElementA(a, aBase, p, row0 + rows.Z, k0 + ks.Z, kEnd),
        W = ElementA(a, aBase, p, row0 + rows.W, k0 + ks.W, kEnd),
    };

    private static Float4 LoadB(ArrayView<float> b, int bBase, GemmArgs p, int col0, int k0, int kEnd, Int4 cols, Int4 ks) => new()
    {
        X = ElementB(b, bBase, p, col0 + cols.X, k0 + ks.X, kEnd),
        Y = ElementB(b, bBase, p, col0 + cols.Y, k0 + ks.Y, kEnd),
        Z = ElementB(b, bBase, p, col0 + cols.Z, k0 + ks.Z, kEnd),
        W = ElementB(b, bBase, p, col0 + cols.W, k0 + ks.W, kEnd),
    };

    /// <summary>op(A)[row, k], or 0 outside the matrix (the zero padding makes partial tiles exact).</summary>
    private static float ElementA(ArrayView<float> a, int aBase, GemmArgs p, int row, int k, int kEnd)
    {
        if (row >= p.M || k >= kEnd) return 0f;
        return p.TransA != 0 ? a[aBase + k * p.Lda + row] : a[aBase + row * p.Lda + k];
    }

    /// <summary>op(B)[k, col], or 0 outside the matrix.</summary>
    private static float ElementB(ArrayView<float> b, int bBase, GemmArgs p, int col, int k, int kEnd)
    {
        if (col >= p.N || k >= kEnd) return 0f;
        return p.TransB != 0 ? b[bBase + col * p.Ldb + k] : b[bBase + k * p.Ldb + col];
    }

    /// <summary>Writes four loaded elements into shared buffer <paramref name="buffer"/>, k-major with a padded pitch.</summary>
    private static void Store(ArrayView<float> shared, int buffer, int slice, int pitch, Int4 outer, Int4 k, Float4 v)
    {
        int first = buffer * slice;
        shared[(first + k.X) * pitch + outer.X] = v.X;
        shared[(first + k.Y) * pitch + outer.Y] = v.Y;
        shared[(first + k.Z) * pitch + outer.Z] = v.Z;
        shared[(first + k.W) * pitch + outer.W] = v.W;
    }

    /// <summary>C[row, cols..cols+3] and C[row, right..right+3] = alpha*acc + beta*C (C not read when beta = 0).</summary>
    private static void StoreRow(ArrayView<float> c, int cBase, GemmArgs p, int row, int left, int right, Float4 l, Float4 r)
    {
        if (row >= p.M) return;
        int at = cBase + row * p.Ldc;
        StoreElement(c, at, p, left, l.X);
        StoreElement(c, at, p, left + 1, l.Y);
        StoreElement(c, at, p, left + 2, l.Z);
        StoreElement(c, at, p, left + 3, l.W);
        StoreElement(c, at, p, right, r.X);
        StoreElement(c, at, p, right + 1, r.Y);
        StoreElement(c, at, p, right + 2, r.Z);
        StoreElement(c, at, p, right + 3, r.W);
    }

    private static void StoreElement(ArrayView<float> c, int rowStart, GemmArgs p, int col, float acc)
    {
        if (col >= p.N) return;
        float v = p.Alpha * acc;
        if (p.Beta != 0f) v += p.Beta * c[rowStart + col];
        c[rowStart + col] = v;
    }
}

/// <summary>
/// One thread's 8 x 8 block of C as sixteen Float4 values (row r: left and right halves). Updated by
/// value, never by reference, so ILGPU keeps every element in a register.
/// </summary>
internal struct Accumulator8x8
{
    public Float4 R0L, R0R, R1L, R1R, R2L, R2R, R3L, R3R, R4L, R4R, R5L, R5R, R6L, R6R, R7L, R7R;

    /// <summary>acc += a * b^T for one k step: a = rows (a0, a1), b = columns (b0, b1).</summary>
    public static Accumulator8x8 Update(Accumulator8x8 c, Float4 a0, Float4 a1, Float4 b0, Float4 b1) => new()
    {
        R0L = Float4.MulAdd(a0.X, b0, c.R0L), R0R = Float4.MulAdd(a0.X, b1, c.R0R),
        R1L = Float4.MulAdd(a0.Y, b0, c.R1L), R1R = Float4.MulAdd(a0.Y, b1, c.R1R),
        R2L = Float4.MulAdd(a0.Z, b0, c.R2L), R2R = Float4.MulAdd(a0.Z, b1, c.R2R),
        R3L = Float4.MulAdd(a0.W, b0, c.R3L), R3R = Float4.MulAdd(a0.W, b1, c.R3R),
        R4L = Float4.MulAdd(a1.X, b0, c.R4L), R4R = Float4.MulAdd(a1.X, b1, c.R4R),
        R5L = Float4.MulAdd(a1.Y, b0, c.R5L), R5R = Float4.MulAdd(a1.Y, b1, c.R5R),
        R6L = Float4.MulAdd(a1.Z, b0, c.R6L), R6R = Float4.MulAdd(a1.Z, b1, c.R6R),
        R7L = Float4.MulAdd(a1.W, b0, c.R7L), R7R = Float4.MulAdd(a1.W, b1, c.R7R),
    };
}

/// <summary>Four ints as one value (register-resident load coordinates).</summary>
internal struct Int4
{
    public int X, Y, Z, W;
}
