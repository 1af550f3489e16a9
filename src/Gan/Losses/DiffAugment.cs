namespace KernelGan.Gan.Losses;

/// <summary>
/// One batch's draw of <see cref="DiffAugment"/>'s parameters, per image; an image whose
/// transform was not drawn gets that transform's identity (brightness 0, factors 1, shift 0, no cutout).
/// </summary>
public sealed record AugmentDraw(float[] Brightness, float[] Saturation, float[] Contrast, int[] Dx, int[] Dy, float[] CutoutMask);

/// <summary>
/// Differentiable augmentation of D's inputs (Zhao et al. 2020, "DiffAugment": colour,
/// translation, cutout), each transform applied to each image with probability p as ADA does.
/// Built from existing differentiable ops only (broadcast add/mul, channel means, whole-pixel
/// translate with zero fill, a constant cutout mask), so G's gradient flows through it and no new
/// kernel is needed. Images are in [-1, 1], as DiffAugment's own code assumes.
/// </summary>
public static class DiffAugment
{
    /// <summary>Largest shift as a fraction of the side (DiffAugment's translation ratio 0.125).</summary>
    public const float TranslationRatio = 0.125f;

    /// <summary>Cutout square's side as a fraction of the image's (DiffAugment's cutout ratio 0.5).</summary>
    public const float CutoutRatio = 0.5f;

    /// <summary>
    /// Draws every parameter for every image (a fixed count of numbers per image, whatever p is),
    /// then keeps each transform with probability p.
    /// </summary>
    public static AugmentDraw Draw(Rng rng, int n, int size, float p)
    {
        var brightness = new float[n];
        var saturation = new float[n];
        var contrast = new float[n];
        var dx = new int[n];
        var dy = new int[n];
        var cutout = new float[n * size * size];
        Array.Fill(cutout, 1f);
        int maxShift = (int)MathF.Floor(size * TranslationRatio), side = (int)(size * CutoutRatio);
        for (int i = 0; i < n; i++)
        {
            float b = rng.NextFloat() - 0.5f, s = 2f * rng.NextFloat(), c = rng.NextFloat() + 0.5f;
            int sx = rng.NextInt(-maxShift, maxShift), sy = rng.NextInt(-maxShift, maxShift);
            int cx = rng.NextInt(0, size - side), cy = rng.NextInt(0, size - side);
            brightness[i] = rng.NextFloat() < p ? b : 0f;
            saturation[i] = rng.NextFloat() < p ? s : 1f;
            contrast[i] = rng.NextFloat() < p ? c : 1f;
            if (rng.NextFloat() < p) { dx[i] = sx; dy[i] = sy; }
            if (rng.NextFloat() < p)
                for (int y = cy; y < cy + side; y++)
                    Array.Clear(cutout, i * size * size + y * size + cx, side);
        }
        return new AugmentDraw(brightness, saturation, contrast, dx, dy, cutout);
    }

    /// <summary>x [N, 3, S, S] augmented by <paramref name="d"/>: brightness, saturation, contrast, translation, cutout, in that order.</summary>
    public static Tensor Apply(Tensor x, AugmentDraw d)
    {
        int n = x.Shape[0], h = x.Shape[2], w = x.Shape[3];
        var backend = x.Backend;
        Tensor PerImage(float[] v) => Tensor.FromArray(v, [n, 1, 1, 1], backend);
        x = x + PerImage(d.Brightness);
        var channelMean = Ops.Mean(x, [1], keepDims: true);
        x = (x - channelMean) * PerImage(d.Saturation) + channelMean;
        var imageMean = Ops.Mean(x, [1, 2, 3], keepDims: true);
        x = (x - imageMean) * PerImage(d.Contrast) + imageMean;
        x = Ops.Translate(x, d.Dx, d.Dy);
        return x * Tensor.FromArray(d.CutoutMask, [n, 1, h, w], backend);
    }
}
