namespace KernelGan.Gan.Data;

/// <summary>
/// An object's bounding box in its full image (pixels, x/y of the top-left corner; fractional values
/// allowed, CUB's are), together with that image's size, so a mask predicted on the box crop can be
/// pasted back into a full-size mask with <see cref="ImageOps.PasteCropMask"/>.
/// </summary>
public sealed record BoxAnnotation(double X, double Y, double Width, double Height, int ImageWidth, int ImageHeight)
{
    /// <summary>The crop used for box-level training: a square of <paramref name="scale"/> x the longer side, centred.</summary>
    public CropWindow Window(double scale = CropWindow.DefaultBoxScale) => CropWindow.AroundBox(X, Y, Width, Height, scale);

    /// <summary>Tight box around the foreground (value >= 0.5) of a mask; null for an empty mask.</summary>
    public static BoxAnnotation? FromMask(HostImage mask)
    {
        int minX = int.MaxValue, minY = int.MaxValue, maxX = -1, maxY = -1;
        for (int y = 0; y < mask.Height; y++)
        {
            var row = mask.Data.AsSpan(y * mask.Width, mask.Width);
            for (int x = 0; x < row.Length; x++)
            {
                if (row[x] < 0.5f) continue;
                if (x < minX) minX = x;
                if (x > maxX) maxX = x;
                if (y < minY) minY = y;
                maxY = y;
            }
        }
        return maxX < 0 ? null : new BoxAnnotation(minX, minY, maxX - minX + 1, maxY - minY + 1, mask.Width, mask.Height);
    }
}
