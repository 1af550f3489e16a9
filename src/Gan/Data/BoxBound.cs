namespace KernelGan.Gan.Data;

/// <summary>
/// What a box tells us at test time: its object lies inside it, so outside the box is background.
/// A box-level mask predicted on the box's 1.5x crop is brought back to its full image bounded by the
/// box, so whatever the segmenter marks in the crop's margin (a patch of the photo that looks like
/// the object) never counts. The refinement and the self-training labels already use the box as a
/// bound (<see cref="Segmentation.BoxRefinement"/>); this applies the same rule to the segmenter's own
/// masks, everywhere they are written or scored.
/// </summary>
public static class BoxBound
{
    /// <summary>
    /// Item <paramref name="index"/>'s crop mask pasted into its full image (zero outside the crop
    /// window, <see cref="ImageOps.PasteCropMask"/>), and zero outside its box when it has one.
    /// </summary>
    public static HostImage PasteCropMask(IFullImageDataset data, int index, HostImage cropMask, int fullHeight, int fullWidth)
    {
        var full = ImageOps.PasteCropMask(cropMask, data.Window(index), fullHeight, fullWidth, binarize: false);
        if (data.Box(index) is { } box) ZeroOutside(full, box.X, box.Y, box.Width, box.Height);
        return full;
    }

    /// <summary>
    /// Sets every pixel of a one-channel mask outside the box to 0, in place. A pixel is inside when
    /// it overlaps the box at all (fractional box edges round outwards), as the box-as-mask baseline
    /// fills it.
    /// </summary>
    public static void ZeroOutside(HostImage mask, double x, double y, double width, double height)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.Channels != 1) throw new ArgumentException($"expected a 1-channel mask, got {mask.Channels} channels", nameof(mask));
        var (x0, y0, x1, y1) = PixelSpan(x, y, width, height, mask.Width, mask.Height);
        for (int row = 0; row < mask.Height; row++)
        {
            var line = mask.Data.AsSpan(row * mask.Width, mask.Width);
            if (row < y0 || row >= y1) { line.Clear(); continue; }
            line[..x0].Clear();
            line[x1..].Clear();
        }
    }

    /// <summary>Sets every pixel inside the box to 1, in place: the box-as-mask baseline.</summary>
    public static void Fill(HostImage mask, double x, double y, double width, double height)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var (x0, y0, x1, y1) = PixelSpan(x, y, width, height, mask.Width, mask.Height);
        for (int row = y0; row < y1; row++) mask.Data.AsSpan(row * mask.Width + x0, x1 - x0).Fill(1f);
    }

    /// <summary>The pixel columns [X0, X1) and rows [Y0, Y1) the box overlaps, clipped to the image.</summary>
    private static (int X0, int Y0, int X1, int Y1) PixelSpan(double x, double y, double width, double height, int imageWidth, int imageHeight)
    {
        int x0 = Math.Clamp((int)Math.Floor(x), 0, imageWidth), x1 = Math.Clamp((int)Math.Ceiling(x + width), x0, imageWidth);
        int y0 = Math.Clamp((int)Math.Floor(y), 0, imageHeight), y1 = Math.Clamp((int)Math.Ceiling(y + height), y0, imageHeight);
        return (x0, y0, x1, y1);
    }
}
