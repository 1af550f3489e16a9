using System.Globalization;
using KernelGan.Gan.Data;

namespace KernelGan.Gan.Reporting;

/// <summary>
/// Numbers drawn into an image with a built-in 3x5 pixel font (no font files, no packages): a
/// number on a plate of a given colour, in black or white, whichever reads better on the plate.
/// </summary>
public static class BitmapDigits
{
    public const int GlyphWidth = 3, GlyphHeight = 5;

    // Rows top to bottom, '#' = ink.
    private static readonly string[][] Glyphs =
    [
        ["###", "#.#", "#.#", "#.#", "###"], // 0
        [".#.", "##.", ".#.", ".#.", "###"], // 1
        ["###", "..#", "###", "#..", "###"], // 2
        ["###", "..#", "###", "..#", "###"], // 3
        ["#.#", "#.#", "###", "..#", "..#"], // 4
        ["###", "#..", "###", "..#", "###"], // 5
        ["###", "#..", "###", "#.#", "###"], // 6
        ["###", "..#", "..#", "..#", "..#"], // 7
        ["###", "#.#", "###", "#.#", "###"], // 8
        ["###", "#.#", "###", "..#", "###"], // 9
    ];

    /// <summary>Whether glyph <paramref name="digit"/> inks its pixel (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public static bool Ink(int digit, int x, int y) => Glyphs[digit][y][x] == '#';

    /// <summary>The plate's size for a number at a scale: one pixel of margin around the digits, one between them.</summary>
    public static (int Width, int Height) PlateSize(int number, int scale) =>
        ((number.ToString(CultureInfo.InvariantCulture).Length * (GlyphWidth + 1) + 1) * scale, (GlyphHeight + 2) * scale);

    /// <summary>
    /// Draws <paramref name="number"/> (non-negative) on a plate of <paramref name="plate"/> colour
    /// centred on (<paramref name="cx"/>, <paramref name="cy"/>), moved inside the image where it
    /// would cross an edge; each font pixel is scale x scale image pixels. Returns the plate's top-left.
    /// </summary>
    public static (int X, int Y) DrawNumber(HostImage image, int number, int cx, int cy, float[] plate, int scale = 1)
    {
        if (image.Channels != 3) throw new ArgumentException($"digits: expected an RGB image, got {image}");
        ArgumentOutOfRangeException.ThrowIfNegative(number);
        string text = number.ToString(CultureInfo.InvariantCulture);
        var (pw, ph) = PlateSize(number, scale);
        int x0 = Math.Clamp(cx - pw / 2, 0, Math.Max(0, image.Width - pw));
        int y0 = Math.Clamp(cy - ph / 2, 0, Math.Max(0, image.Height - ph));
        // Rec. 601 luma: dark ink on a light plate (yellow, cyan, green), light ink on a dark one (blue, red).
        float ink = 0.299f * plate[0] + 0.587f * plate[1] + 0.114f * plate[2] > 0.5f ? 0f : 1f;
        for (int y = 0; y < ph; y++)
            for (int x = 0; x < pw; x++)
            {
                int ix = x0 + x, iy = y0 + y;
                if (ix >= image.Width || iy >= image.Height) continue;
                int fx = x / scale - 1, fy = y / scale - 1; // font coordinates inside the margin
                int digit = fx >= 0 ? fx / (GlyphWidth + 1) : -1, gx = fx - digit * (GlyphWidth + 1);
                bool inked = fx >= 0 && fy is >= 0 and < GlyphHeight && digit < text.Length && gx < GlyphWidth && Ink(text[digit] - '0', gx, fy);
                for (int c = 0; c < 3; c++) image[c, iy, ix] = inked ? ink : plate[c];
            }
        return (x0, y0);
    }
}
