namespace KernelGan.Gan.Data;

public static partial class ImageOps
{
    /// <summary>
    /// Nearest-neighbour upscaling by a whole factor: every pixel becomes a factor x factor block, so
    /// a 32-px image shown large keeps its pixels sharp (no interpolation inventing detail).
    /// </summary>
    public static HostImage UpscaleNearest(HostImage src, int factor)
    {
        ArgumentNullException.ThrowIfNull(src);
        if (factor < 1) throw new ArgumentOutOfRangeException(nameof(factor), $"upscale factor must be at least 1, got {factor}");
        if (factor == 1) return src.Clone();
        int w = src.Width * factor, h = src.Height * factor;
        var dst = new HostImage(src.Channels, h, w);
        for (int c = 0; c < src.Channels; c++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    dst.Data[(c * h + y) * w + x] = src.Data[(c * src.Height + y / factor) * src.Width + x / factor];
        return dst;
    }
}
