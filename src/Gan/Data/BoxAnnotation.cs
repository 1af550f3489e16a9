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
}
