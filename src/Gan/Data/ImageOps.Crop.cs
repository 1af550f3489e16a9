namespace KernelGan.Gan.Data;

/// <summary>What a crop puts where its window leaves the image.</summary>
public enum OutsideFill
{
    /// <summary>Repeat the nearest edge pixel: no artificial borders for the discriminator to notice.</summary>
    EdgeReplicate,

    /// <summary>Zero: right for masks, since everything outside the image is background.</summary>
    Zero,
}

public static partial class ImageOps
{
    /// <summary>Largest centred square of the image (no resizing).</summary>
    public static HostImage CenterCropSquare(HostImage img) =>
        Crop(img, CropWindow.CenterSquare(img.Height, img.Width), OutsideFill.EdgeReplicate);

    /// <summary>
    /// Image crop of <see cref="CropWindow.AroundBox"/>: a square of <paramref name="scale"/> x the box's
    /// longer side centred on the box, pixels outside the image edge-replicated. Native resolution;
    /// resize afterwards.
    /// </summary>
    public static HostImage CropSquareAroundBox(HostImage img, double x, double y, double w, double h, double scale = CropWindow.DefaultBoxScale) =>
        Crop(img, CropWindow.AroundBox(x, y, w, h, scale), OutsideFill.EdgeReplicate);

    /// <summary>Mask counterpart of <see cref="CropSquareAroundBox"/>: same window, zero (background) outside the image.</summary>
    public static HostImage CropMaskSquareAroundBox(HostImage mask, double x, double y, double w, double h, double scale = CropWindow.DefaultBoxScale) =>
        Crop(mask, CropWindow.AroundBox(x, y, w, h, scale), OutsideFill.Zero);

    /// <summary>Cuts <paramref name="window"/> out of the image (Side x Side, all channels).</summary>
    public static HostImage Crop(HostImage img, CropWindow window, OutsideFill fill)
    {
        ArgumentNullException.ThrowIfNull(img);
        int side = window.Side;
        if (side <= 0) throw new ArgumentOutOfRangeException(nameof(window), "crop side must be positive");
        var dst = new HostImage(img.Channels, side, side);
        int maxX = img.Width - 1, maxY = img.Height - 1;
        for (int c = 0; c < img.Channels; c++)
        {
            for (int y = 0; y < side; y++)
            {
                int sy = window.Y + y;
                bool rowInside = sy >= 0 && sy <= maxY;
                if (!rowInside && fill == OutsideFill.Zero) continue;
                int srcRow = (c * img.Height + Math.Clamp(sy, 0, maxY)) * img.Width;
                int dstRow = (c * side + y) * side;
                for (int x = 0; x < side; x++)
                {
                    int sx = window.X + x;
                    if (sx < 0 || sx > maxX)
                    {
                        if (fill == OutsideFill.Zero) continue;
                        sx = Math.Clamp(sx, 0, maxX);
                    }
                    dst.Data[dstRow + x] = img.Data[srcRow + sx];
                }
            }
        }
        return dst;
    }

    /// <summary>
    /// Inverse of the box crop for masks: maps a mask predicted on the crop <paramref name="window"/>
    /// (at any resolution, e.g. the model's 64x64) back into a full-size <paramref name="fullHeight"/> x
    /// <paramref name="fullWidth"/> mask, zero outside the window. The crop mask is resized to the
    /// window's side with the antialiased bilinear filter; with <paramref name="binarize"/> the result
    /// is thresholded at 0.5 (the evaluation convention), otherwise soft values are kept.
    /// </summary>
    public static HostImage PasteCropMask(HostImage cropMask, CropWindow window, int fullHeight, int fullWidth, bool binarize = true)
    {
        ArgumentNullException.ThrowIfNull(cropMask);
        if (cropMask.Channels != 1) throw new ArgumentException($"expected a 1-channel mask, got {cropMask.Channels} channels", nameof(cropMask));
        var scaled = cropMask.Height == window.Side && cropMask.Width == window.Side
            ? cropMask
            : Resize(cropMask, window.Side, window.Side);
        var full = new HostImage(1, fullHeight, fullWidth);
        int y0 = Math.Max(0, window.Y), y1 = Math.Min(fullHeight, window.Y + window.Side);
        int x0 = Math.Max(0, window.X), x1 = Math.Min(fullWidth, window.X + window.Side);
        for (int y = y0; y < y1; y++)
        {
            int srcRow = (y - window.Y) * window.Side - window.X;
            int dstRow = y * fullWidth;
            for (int x = x0; x < x1; x++)
            {
                float v = scaled.Data[srcRow + x];
                full.Data[dstRow + x] = binarize ? (v >= 0.5f ? 1f : 0f) : v;
            }
        }
        return full;
    }
}
