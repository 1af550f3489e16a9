using KernelGan.Gan.Data;

namespace KernelGan.Gan.Reporting;

/// <summary>
/// Draws masks over an image so a person can judge them: each region gets a translucent fill in
/// its colour (the image stays visible underneath) and a solid one-pixel outline (the boundary is
/// exact even where the fill is faint). One mechanism for the train report's gallery and hoc's overlay.
/// </summary>
public static class MaskOverlay
{
    /// <summary>How much of a region's colour covers the image inside it; outlines are opaque.</summary>
    public const float FillAlpha = 0.35f;

    /// <summary>A binary mask (value > 0.5 = foreground) over an RGB image of the same size.</summary>
    public static HostImage Binary(HostImage image, HostImage mask, float[] colour, float fillAlpha = FillAlpha)
    {
        if (mask.Channels != 1 || mask.Width != image.Width || mask.Height != image.Height)
            throw new ArgumentException($"overlay: mask {mask} does not match image {image}");
        var labels = new int[mask.PlaneSize];
        for (int p = 0; p < labels.Length; p++) labels[p] = mask.Data[p] > 0.5f ? 1 : 0;
        return Labels(image, labels, _ => colour, fillAlpha);
    }

    /// <summary>
    /// A label map (0 = none, k > 0 = region k) over an RGB image: a pixel of region k is on its
    /// outline when it lies on the image's border or a 4-neighbour belongs elsewhere.
    /// </summary>
    public static HostImage Labels(HostImage image, int[] labels, Func<int, float[]> colour, float fillAlpha = FillAlpha)
    {
        if (image.Channels != 3) throw new ArgumentException($"overlay: expected an RGB image, got {image}");
        int w = image.Width, h = image.Height, plane = w * h;
        if (labels.Length != plane) throw new ArgumentException($"overlay: {labels.Length} labels for a {w}x{h} image");
        var result = image.Clone();
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int p = y * w + x, id = labels[p];
                if (id == 0) continue;
                bool edge = x == 0 || y == 0 || x == w - 1 || y == h - 1
                    || labels[p - 1] != id || labels[p + 1] != id || labels[p - w] != id || labels[p + w] != id;
                float alpha = edge ? 1f : fillAlpha;
                var c = colour(id);
                for (int ch = 0; ch < 3; ch++)
                    result.Data[ch * plane + p] = (1f - alpha) * image.Data[ch * plane + p] + alpha * c[ch];
            }
        return result;
    }

    /// <summary>Well-separated colours for region ids 1, 2, 3...: fully saturated hues a golden angle apart.</summary>
    public static float[] Distinct(int id)
    {
        double hue = (id * 137.508) % 360 / 60.0;
        double f = hue - Math.Floor(hue);
        double q = 1 - f;
        (double r, double g, double b) = ((int)hue) switch
        {
            0 => (1.0, f, 0.0), 1 => (q, 1.0, 0.0), 2 => (0.0, 1.0, f), 3 => (0.0, q, 1.0), 4 => (f, 0.0, 1.0), _ => (1.0, 0.0, q),
        };
        return [(float)r, (float)g, (float)b];
    }
}
