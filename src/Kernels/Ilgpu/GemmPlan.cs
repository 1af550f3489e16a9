namespace KernelGan.Kernels.Ilgpu;

/// <summary>The register-blocked GEMM tile sizes (edge length of the C block one group computes).</summary>
public enum GemmTileSize
{
    Tile32 = 32,
    Tile64 = 64,
    Tile128 = 128,
}

/// <summary>
/// How one GEMM call is launched: the tile, and how many slices k is split into when there are too
/// few output tiles to occupy the device (e.g. a conv weight gradient: a small [Cout, Cin*k*k]
/// output, a reduction over every pixel of the batch). Pure arithmetic, so it is unit-testable.
/// </summary>
public readonly record struct GemmPlan(GemmTileSize Tile, int Splits, int KChunk)
{
    /// <summary>
    /// Minimum k per split: below this the partial sums cost more traffic than they save (measured on
    /// an H100: 64 made ref64's mid-sized conv GEMMs 10-45% slower than 256).
    /// </summary>
    public const int MinSplitDepth = 256;

    /// <summary>Most floats the partial products of one split-k launch may take (64 MiB of scratch).</summary>
    public const long MaxPartialFloats = 1L << 24;

    public static GemmPlan Choose(int m, int n, int k, int batch, int multiprocessors, bool simulator,
                                  GemmTileSize? forcedTile = null, int? forcedSplits = null)
    {
        var tile = forcedTile ?? (simulator ? GemmTileSize.Tile32 : PickTile(m, n));
        int size = (int)tile;
        long tiles = (long)((m + size - 1) / size) * ((n + size - 1) / size) * batch;
        int splits = forcedSplits ?? (simulator ? 1 : SplitsFor(tile, tiles, (long)m * n * batch, k, multiprocessors));
        splits = Math.Clamp(splits, 1, Math.Max(1, k));
        int slice = size / 16; // the kernel's k step (T/2 with T = size/8)
        int chunk = (k + splits - 1) / splits;
        chunk = (chunk + slice - 1) / slice * slice;
        splits = chunk == 0 ? 1 : (k + chunk - 1) / chunk; // rounding the chunk up may leave fewer splits
        return new GemmPlan(tile, splits, Math.Max(chunk, slice));
    }

    /// <summary>
    /// 128-tiles whenever both output sides are at least 128, with split-k filling the device when
    /// the tiles are few; 64-tiles for thinner outputs. On an H100 this beat keeping 64-tiles until
    /// the 128-tiles alone filled the device: ref64's step at batch 128 went from 12.8 to 11.7 ms,
    /// its conv layers at batch 32 unchanged (bench/results/h100-2026-11-23.md).
    /// </summary>
    private static GemmTileSize PickTile(int m, int n) =>
        m < 128 || n < 128 ? GemmTileSize.Tile64 : GemmTileSize.Tile128;

    /// <summary>
    /// Enough splits to give every multiprocessor several resident groups (two of the 256-thread
    /// 128-tiles, eight of the 64-thread 64-tiles: small groups need more company to hide memory
    /// latency), each split still summing at least <see cref="MinSplitDepth"/>, the partials within
    /// <see cref="MaxPartialFloats"/>. A conv weight gradient of ref64's first layer at batch 128
    /// (a 32 x 48 output summed over 131072 pixels) gets 512 splits; unsplit it would occupy one group.
    /// </summary>
    private static int SplitsFor(GemmTileSize tile, long tiles, long outputs, int k, int multiprocessors)
    {
        long target = (tile == GemmTileSize.Tile128 ? 2L : 8L) * multiprocessors;
        if (tiles >= target || k < 2 * MinSplitDepth) return 1;
        long wanted = (target + tiles - 1) / tiles;
        long fitting = Math.Max(1, MaxPartialFloats / Math.Max(1, outputs));
        return (int)Math.Min(Math.Min(wanted, k / MinSplitDepth), fitting);
    }
}
