namespace KernelGan.Gan.Data;

public static partial class ImageOps
{
    /// <summary>
    /// Tiles images row-major into one RGB picture with <paramref name="pad"/> pixels of
    /// <paramref name="padValue"/> between and around tiles. 1-channel tiles (masks) are shown as gray.
    /// All tiles must share one height and width.
    /// </summary>
    public static HostImage MakeGrid(IReadOnlyList<HostImage> tiles, int columns, int pad = 2, float padValue = 1f)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        if (tiles.Count == 0) throw new ArgumentException("no tiles to arrange", nameof(tiles));
        if (columns <= 0) throw new ArgumentOutOfRangeException(nameof(columns), "columns must be positive");
        if (pad < 0) throw new ArgumentOutOfRangeException(nameof(pad), "pad must not be negative");
        int th = tiles[0].Height, tw = tiles[0].Width;
        foreach (var t in tiles)
        {
            if (t.Height != th || t.Width != tw)
                throw new ArgumentException($"tiles differ in size: {t.Width}x{t.Height} vs {tw}x{th}", nameof(tiles));
            if (t.Channels is not (1 or 3))
                throw new ArgumentException($"tiles must have 1 or 3 channels, got {t.Channels}", nameof(tiles));
        }
        columns = Math.Min(columns, tiles.Count);
        int rows = (tiles.Count + columns - 1) / columns;
        int gh = rows * th + (rows + 1) * pad, gw = columns * tw + (columns + 1) * pad;
        var grid = new HostImage(3, gh, gw);
        Array.Fill(grid.Data, padValue);
        for (int i = 0; i < tiles.Count; i++)
        {
            var tile = tiles[i];
            int oy = pad + (i / columns) * (th + pad), ox = pad + (i % columns) * (tw + pad);
            for (int c = 0; c < 3; c++)
            {
                int sc = tile.Channels == 1 ? 0 : c; // gray tiles repeat their one channel
                for (int y = 0; y < th; y++)
                {
                    tile.Data.AsSpan((sc * th + y) * tw, tw).CopyTo(grid.Data.AsSpan((c * gh + oy + y) * gw + ox, tw));
                }
            }
        }
        return grid;
    }
}
