namespace KernelGan.Gan.Segmentation;

/// <summary>
/// Geometric augmentation for the segmenter: a random zoom, rotation and shift of an image together
/// with its mask. A layered generator's masks cluster around one size and place (the minimum-area hinge and
/// the centre prior hold them there), and a U-Net trained only on them learns that size as a prior:
/// it draws small objects too large and large ones too small. Zooming the pairs in and out shows it
/// objects of other sizes. Outside the source the pixels mirror its edges, so zooming out continues
/// the background's texture instead of smearing its border.
/// </summary>
public sealed class GeometricJitter(float maxZoom, float maxShift, float maxRotationDegrees = 0f)
{
    /// <summary>Largest zoom factor; zooms are drawn log-uniformly from [1/MaxZoom, MaxZoom].</summary>
    public float MaxZoom { get; } = maxZoom >= 1f ? maxZoom : throw new ArgumentOutOfRangeException(nameof(maxZoom), $"zoom {maxZoom} must be at least 1");

    /// <summary>Largest shift along each axis, as a fraction of the image side.</summary>
    public float MaxShift { get; } = maxShift is >= 0f and < 0.5f ? maxShift : throw new ArgumentOutOfRangeException(nameof(maxShift), $"shift {maxShift} must be in [0, 0.5)");

    /// <summary>Largest rotation either way, in degrees; angles are drawn uniformly.</summary>
    public float MaxRotationDegrees { get; } = maxRotationDegrees is >= 0f and <= 180f ? maxRotationDegrees : throw new ArgumentOutOfRangeException(nameof(maxRotationDegrees), $"rotation {maxRotationDegrees} must be in [0, 180] degrees");

    /// <summary>No zoom, shift or rotation: <see cref="Apply"/> leaves the pair untouched (the record's defaults).</summary>
    public bool IsIdentity => MaxZoom == 1f && MaxShift == 0f && MaxRotationDegrees == 0f;

    /// <summary>Zooms, turns and shifts one [3, S, S] image and its [S, S] binary mask in place by the same random transform.</summary>
    public void Apply(Span<float> image, Span<float> mask, int size, Random rng)
    {
        if (IsIdentity) return;
        float logZoom = MathF.Log(MaxZoom);
        float zoom = MathF.Exp((float)(rng.NextDouble() * 2 - 1) * logZoom);
        float shiftX = (float)(rng.NextDouble() * 2 - 1) * MaxShift * size;
        float shiftY = (float)(rng.NextDouble() * 2 - 1) * MaxShift * size;
        float angle = (float)(rng.NextDouble() * 2 - 1) * MaxRotationDegrees * MathF.PI / 180f;
        Warp(image, 3, size, zoom, shiftX, shiftY, angle);
        Warp(mask, 1, size, zoom, shiftX, shiftY, angle);
        // Bilinear sampling blurs the mask's edge; cutting at one half keeps it the binary target
        // the loss expects (and is how the generator's masks were binarised in the first place).
        foreach (ref float m in mask) m = m >= 0.5f ? 1f : 0f;
    }

    /// <summary>
    /// Resamples each [S, S] plane so that output pixel p shows source point R(-angle) (p - c) / zoom + c - shift
    /// (c the image centre, angle in radians), bilinearly, mirroring the source outside its edges.
    /// </summary>
    public static void Warp(Span<float> planes, int channels, int size, float zoom, float shiftX, float shiftY, float angle = 0f)
    {
        int plane = size * size;
        var source = planes.ToArray();
        float centre = size * 0.5f;
        float cos = MathF.Cos(angle) / zoom, sin = MathF.Sin(angle) / zoom;
        for (int y = 0; y < size; y++)
        {
            float uy = y + 0.5f - centre;
            for (int x = 0; x < size; x++)
            {
                float ux = x + 0.5f - centre;
                float sx = cos * ux + sin * uy + centre - shiftX - 0.5f;
                float sy = -sin * ux + cos * uy + centre - shiftY - 0.5f;
                int x0 = (int)MathF.Floor(sx), y0 = (int)MathF.Floor(sy);
                float fx = sx - x0, fy = sy - y0;
                int c0 = Mirror(x0, size), c1 = Mirror(x0 + 1, size);
                int r0 = Mirror(y0, size) * size, r1 = Mirror(y0 + 1, size) * size;
                for (int c = 0; c < channels; c++)
                {
                    int o = c * plane;
                    float top = source[o + r0 + c0] + fx * (source[o + r0 + c1] - source[o + r0 + c0]);
                    float bottom = source[o + r1 + c0] + fx * (source[o + r1 + c1] - source[o + r1 + c0]);
                    planes[o + y * size + x] = top + fy * (bottom - top);
                }
            }
        }
    }

    /// <summary>Index i reflected into [0, n) about the edges (..., 1, 0 | 0, 1, ..., n-1 | n-1, n-2, ...).</summary>
    public static int Mirror(int i, int n)
    {
        int period = 2 * n;
        i %= period;
        if (i < 0) i += period;
        return i < n ? i : period - 1 - i;
    }
}
