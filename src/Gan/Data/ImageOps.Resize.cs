namespace KernelGan.Gan.Data;

/// <summary>Pure image operations on <see cref="HostImage"/>; every method returns a new image.</summary>
public static partial class ImageOps
{
    /// <summary>
    /// Antialiased bilinear resize (separable triangle filter whose support grows with the
    /// shrink factor, as in PIL's BILINEAR). A constant image stays exactly constant.
    /// </summary>
    public static HostImage Resize(HostImage src, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(src);
        if (height <= 0 || width <= 0) throw new ArgumentOutOfRangeException(nameof(height), $"target size {width}x{height} must be positive");
        if (height == src.Height && width == src.Width) return src.Clone();

        var horizontal = new ResampleWeights(src.Width, width);
        var vertical = new ResampleWeights(src.Height, height);
        int c = src.Channels;
        var temp = new float[c * src.Height * width];
        var dst = new HostImage(c, height, width);

        // Horizontal pass: [c, inH, inW] -> [c, inH, outW].
        for (int row = 0; row < c * src.Height; row++)
        {
            var input = src.Data.AsSpan(row * src.Width, src.Width);
            var output = temp.AsSpan(row * width, width);
            for (int x = 0; x < width; x++)
            {
                int start = horizontal.Start[x], taps = horizontal.Count[x], wi = x * horizontal.MaxTaps;
                float acc = 0f;
                for (int k = 0; k < taps; k++) acc += horizontal.Weights[wi + k] * input[start + k];
                output[x] = acc;
            }
        }

        // Vertical pass: [c, inH, outW] -> [c, outH, outW], accumulating whole rows for locality.
        for (int ch = 0; ch < c; ch++)
        {
            for (int y = 0; y < height; y++)
            {
                var output = dst.Data.AsSpan((ch * height + y) * width, width);
                int start = vertical.Start[y], taps = vertical.Count[y], wi = y * vertical.MaxTaps;
                for (int k = 0; k < taps; k++)
                {
                    float w = vertical.Weights[wi + k];
                    var input = temp.AsSpan((ch * src.Height + start + k) * width, width);
                    for (int x = 0; x < width; x++) output[x] += w * input[x];
                }
            }
        }
        return dst;
    }

    /// <summary>Square convenience overload of <see cref="Resize(HostImage,int,int)"/>.</summary>
    public static HostImage Resize(HostImage src, int size) => Resize(src, size, size);

    /// <summary>
    /// Resizes a mask and keeps it binary: the mask is resized with the same antialiased bilinear
    /// filter as images and then thresholded (value >= 0.5 is foreground). We chose this over
    /// nearest-neighbour because, when shrinking, nearest samples one pixel per cell and so jitters
    /// boundaries and drops thin parts, while filter-then-threshold decides each output pixel by
    /// the majority of the area it covers, and stays aligned with how the image itself was resized.
    /// </summary>
    public static HostImage ResizeMask(HostImage mask, int height, int width)
    {
        var soft = Resize(mask, height, width);
        Binarize(soft.Data, 0.5f);
        return soft;
    }

    /// <summary>Square convenience overload of <see cref="ResizeMask(HostImage,int,int)"/>.</summary>
    public static HostImage ResizeMask(HostImage mask, int size) => ResizeMask(mask, size, size);

    /// <summary>New mask with 1 where value >= threshold, else 0.</summary>
    public static HostImage Threshold(HostImage mask, float threshold = 0.5f)
    {
        var result = mask.Clone();
        Binarize(result.Data, threshold);
        return result;
    }

    private static void Binarize(Span<float> values, float threshold)
    {
        for (int i = 0; i < values.Length; i++) values[i] = values[i] >= threshold ? 1f : 0f;
    }
}
