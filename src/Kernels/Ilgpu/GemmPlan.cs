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
    /// <summary>Minimum k per split: below this the partial sums cost more traffic than they save.</summary>
    public const int MinSplitDepth = 256;

    /// <summary>Most splits (bounds the partial-product scratch memory).</summary>
    public const int MaxSplits = 32;

    public static GemmPlan Choose(int m, int n, int k, int batch, int multiprocessors, bool simulator,
                                  GemmTileSize? forcedTile = null, int? forcedSplits = null)
    {
        var tile = forcedTile ?? (simulator ? GemmTileSize.Tile32 : PickTile(m, n, batch, multiprocessors));
        int size = (int)tile;
        long tiles = (long)((m + size - 1) / size) * ((n + size - 1) / size) * batch;
        int splits = forcedSplits ?? (simulator ? 1 : SplitsFor(tiles, k, multiprocessors));
        splits = Math.Clamp(splits, 1, Math.Max(1, k));
        int slice = size / 16; // the kernel's k step (T/2 with T = size/8)
        int chunk = (k + splits - 1) / splits;
        chunk = (chunk + slice - 1) / slice * slice;
        splits = chunk == 0 ? 1 : (k + chunk - 1) / chunk; // rounding the chunk up may leave fewer splits
        return new GemmPlan(tile, splits, Math.Max(chunk, slice));
    }

    /// <summary>128-tiles when the product is big enough to fill the device with them, else 64-tiles.</summary>
    private static GemmTileSize PickTile(int m, int n, int batch, int multiprocessors)
    {
        if (m < 128 || n < 128) return GemmTileSize.Tile64;
        long tiles128 = (long)((m + 127) / 128) * ((n + 127) / 128) * batch;
        return tiles128 >= multiprocessors ? GemmTileSize.Tile128 : GemmTileSize.Tile64;
    }

    /// <summary>Enough splits for about two groups per multiprocessor, each still summing at least <see cref="MinSplitDepth"/>.</summary>
    private static int SplitsFor(long tiles, int k, int multiprocessors)
    {
        long target = 2L * multiprocessors;
        if (tiles >= target || k < 2 * MinSplitDepth) return 1;
        long wanted = (target + tiles - 1) / tiles;
        return (int)Math.Min(Math.Min(wanted, k / MinSplitDepth), MaxSplits);
    }
}
