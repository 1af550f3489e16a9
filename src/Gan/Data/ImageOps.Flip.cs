namespace KernelGan.Gan.Data;

public static partial class ImageOps
{
    /// <summary>Mirror left-right (a new image).</summary>
    public static HostImage FlipHorizontal(HostImage img)
    {
        var result = img.Clone();
        FlipHorizontalInPlace(result.Data, img.Channels, img.Height, img.Width);
        return result;
    }

    /// <summary>Mirrors a CHW buffer left-right in place (used on batch slices without copying).</summary>
    public static void FlipHorizontalInPlace(Span<float> chw, int channels, int height, int width)
    {
        for (int row = 0; row < channels * height; row++) chw.Slice(row * width, width).Reverse();
    }
}
