namespace KernelGan.Gan.Segmentation;

/// <summary>
/// Photometric augmentation for the segmenter: per-channel gain, brightness, contrast and
/// saturation jitter plus a horizontal flip, so a U-Net trained on generated images does not
/// latch onto the generator's exact colours and transfers to real photos.
/// </summary>
public static class ColourJitter
{
    /// <summary>Jitters one [3, S, S] image in [-1, 1] in place (and flips it with its mask).</summary>
    public static void Apply(Span<float> image, Span<float> mask, int size, Random rng)
    {
        Photometric(image, size, rng);
        if (rng.Next(2) == 0)
        {
            Data.ImageOps.FlipHorizontalInPlace(image, 3, size, size);
            Data.ImageOps.FlipHorizontalInPlace(mask, 1, size, size);
        }
    }

    /// <summary>The colour part alone, for callers that transform their targets geometrically themselves.</summary>
    public static void Photometric(Span<float> image, int size, Random rng)
    {
        int plane = size * size;
        float brightness = (float)(rng.NextDouble() * 0.3 - 0.15);
        float contrast = (float)(0.7 + rng.NextDouble() * 0.6);
        float saturation = (float)(0.6 + rng.NextDouble() * 0.8);
        Span<float> gain = stackalloc float[3];
        for (int c = 0; c < 3; c++) gain[c] = (float)(0.85 + rng.NextDouble() * 0.3);
        double mean = 0;
        foreach (float v in image) mean += v;
        float m = (float)(mean / image.Length);
        for (int p = 0; p < plane; p++)
        {
            float r = image[p], g = image[plane + p], b = image[2 * plane + p];
            float grey = 0.299f * r + 0.587f * g + 0.114f * b;
            for (int c = 0; c < 3; c++)
            {
                float v = image[c * plane + p];
                v = grey + saturation * (v - grey);
                v = m + contrast * (v - m) + brightness;
                image[c * plane + p] = Math.Clamp(v * gain[c], -1f, 1f);
            }
        }
    }
}
