namespace KernelGan.Gan.Data;

/// <summary>
/// A square window in full-image pixel coordinates: columns [X, X+Side), rows [Y, Y+Side).
/// It may extend past the image; crops fill those pixels (edge replication for images, zero for
/// masks) and <see cref="ImageOps.PasteCropMask"/> drops them when mapping a mask back.
/// Integer geometry keeps crop and paste exact inverses.
/// </summary>
public readonly record struct CropWindow(int X, int Y, int Side)
{
    /// <summary>Default context factor around a box (the CUB/ILSGAN convention: 1.5 x the longer side).</summary>
    public const double DefaultBoxScale = 1.5;

    /// <summary>Square of <paramref name="scale"/> times the box's longer side, centred on the box centre.</summary>
    public static CropWindow AroundBox(double x, double y, double width, double height, double scale = DefaultBoxScale)
    {
        if (!(width > 0) || !(height > 0)) throw new ArgumentOutOfRangeException(nameof(width), $"box {width}x{height} must have a positive size");
        if (!(scale > 0)) throw new ArgumentOutOfRangeException(nameof(scale), "scale must be positive");
        int side = Math.Max(1, (int)Math.Floor(scale * Math.Max(width, height) + 0.5));
        double cx = x + width / 2.0, cy = y + height / 2.0;
        return new CropWindow((int)Math.Floor(cx - side / 2.0 + 0.5), (int)Math.Floor(cy - side / 2.0 + 0.5), side);
    }

    /// <summary>
    /// A box (full-image pixels) in the pixels of this window's crop resized to <paramref name="side"/>:
    /// [X0, X1) x [Y0, Y1), rounded outward so the whole box stays inside.
    /// </summary>
    public (int X0, int Y0, int X1, int Y1) BoxIn(double x, double y, double width, double height, int side)
    {
        double scale = (double)side / Side;
        return ((int)Math.Floor((x - X) * scale), (int)Math.Floor((y - Y) * scale),
                (int)Math.Ceiling((x + width - X) * scale), (int)Math.Ceiling((y + height - Y) * scale));
    }

    /// <summary>The largest centred square inside an image of the given size.</summary>
    public static CropWindow CenterSquare(int imageHeight, int imageWidth)
    {
        int side = Math.Min(imageHeight, imageWidth);
        return new CropWindow((imageWidth - side) / 2, (imageHeight - side) / 2, side);
    }
}
