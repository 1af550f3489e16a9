using KernelGan.Gan.Data;

namespace KernelGan.Gan.Prior;

/// <summary>
/// The picture of what the model does, one row per sample: the composite with each instance's
/// canonical frame drawn where the layout module put it (one colour per slot) | the background |
/// for every slot: what its provider generated (appearance x mask at the canonical pose, upscaled)
/// and the placed layer on the canvas | the union mask.
/// </summary>
public static class PriorSampleGrid
{
    private static readonly float[][] SlotColours =
    [
        [1f, 0.2f, 0.2f], [0.2f, 1f, 0.2f], [0.3f, 0.5f, 1f], [1f, 1f, 0.2f],
        [1f, 0.3f, 1f], [0.2f, 1f, 1f], [1f, 0.6f, 0.1f], [0.7f, 0.7f, 0.7f],
    ];

    public static HostImage Build(IEnumerable<PriorSample> samples, int rows)
    {
        var tiles = new List<HostImage>();
        int columns = 0;
        foreach (var s in samples.Take(rows))
        {
            int size = s.Composite.Height;
            var composite = s.Composite.Clone();
            for (int k = 0; k < s.Slots.Count; k++) DrawFrame(composite, s.Slots[k].Theta, SlotColours[k % SlotColours.Length]);
            var row = new List<HostImage> { composite, s.Background };
            foreach (var slot in s.Slots)
            {
                row.Add(ImageOps.Resize(OverGrey(slot.CanonicalAppearance, slot.CanonicalMask), size));
                row.Add(OverGrey(slot.PlacedAppearance, slot.PlacedMask));
            }
            row.Add(s.UnionMask());
            columns = row.Count;
            // Small canvases are shown at least 64 px wide, pixel-doubled, so the grid is readable.
            int zoom = Math.Max(1, 64 / size);
            tiles.AddRange(row.Select(t => Zoom(t.Channels == 1 ? Grey(t) : t, zoom)));
        }
        return ImageOps.MakeGrid(tiles, Math.Max(1, columns));
    }

    private static HostImage Zoom(HostImage img, int factor)
    {
        if (factor == 1) return img;
        var big = new HostImage(img.Channels, img.Height * factor, img.Width * factor);
        for (int c = 0; c < img.Channels; c++)
            for (int y = 0; y < big.Height; y++)
                for (int x = 0; x < big.Width; x++)
                    big[c, y, x] = img[c, y / factor, x / factor];
        return big;
    }

    /// <summary>Appearance where the mask is, mid-grey elsewhere.</summary>
    private static HostImage OverGrey(HostImage rgb, HostImage mask)
    {
        var result = new HostImage(3, rgb.Height, rgb.Width);
        int plane = rgb.PlaneSize;
        for (int c = 0; c < 3; c++)
            for (int p = 0; p < plane; p++)
                result.Data[c * plane + p] = mask.Data[p] * rgb.Data[c * plane + p] + (1f - mask.Data[p]) * 0.5f;
        return result;
    }

    private static HostImage Grey(HostImage mask)
    {
        var rgb = new HostImage(3, mask.Height, mask.Width);
        for (int c = 0; c < 3; c++) mask.Data.CopyTo(rgb.Data, c * mask.PlaneSize);
        return rgb;
    }

    /// <summary>Draws the canonical frame's outline (corners (+-1, +-1) mapped by the placement).</summary>
    private static void DrawFrame(HostImage img, float[] theta, float[] colour)
    {
        var (a00, a01, a10, a11, tx, ty) = AffinePose.Placement(theta);
        (float X, float Y) Corner(float u, float v)
        {
            float px = a00 * u + a01 * v + tx, py = a10 * u + a11 * v + ty;
            // normalized -> pixel (align_corners = false)
            return (((px + 1f) * img.Width - 1f) / 2f, ((py + 1f) * img.Height - 1f) / 2f);
        }
        var corners = new[] { Corner(-1, -1), Corner(1, -1), Corner(1, 1), Corner(-1, 1) };
        for (int e = 0; e < 4; e++)
        {
            var (x0, y0) = corners[e];
            var (x1, y1) = corners[(e + 1) % 4];
            int steps = (int)MathF.Ceiling(MathF.Max(MathF.Abs(x1 - x0), MathF.Abs(y1 - y0))) + 1;
            for (int i = 0; i <= steps; i++)
            {
                float t = (float)i / steps;
                int x = (int)MathF.Round(x0 + t * (x1 - x0)), y = (int)MathF.Round(y0 + t * (y1 - y0));
                if (x < 0 || y < 0 || x >= img.Width || y >= img.Height) continue;
                for (int c = 0; c < 3; c++) img[c, y, x] = colour[c];
            }
        }
    }
}
