namespace KernelGan.Kernels;

/// <summary>
/// Coordinate conventions shared by every backend's resampling kernels (PyTorch's, so models and
/// numbers carry over): normalized grid coordinates in [-1, 1] and bilinear source positions.
/// </summary>
public static class SamplingMath
{
    /// <summary>Normalized coordinate of pixel centre j of a line of <paramref name="size"/> pixels (affine_grid's base grid).</summary>
    public static float BaseCoordinate(int j, int size, bool alignCorners)
    {
        if (size <= 1) return alignCorners ? -1f : 0f;
        return alignCorners ? -1f + 2f * j / (size - 1) : (2f * j + 1f) / size - 1f;
    }

    /// <summary>Pixel position of a normalized coordinate (grid_sample's unnormalize).</summary>
    public static float Unnormalize(float coord, int size, bool alignCorners) =>
        alignCorners ? (coord + 1f) * 0.5f * (size - 1) : ((coord + 1f) * size - 1f) * 0.5f;

    /// <summary>d(pixel position)/d(normalized coordinate).</summary>
    public static float UnnormalizeScale(int size, bool alignCorners) => alignCorners ? 0.5f * (size - 1) : 0.5f * size;

    /// <summary>Source position of output pixel <paramref name="dst"/> in a bilinear resize.</summary>
    public static float ResizeSource(int dst, int inSize, int outSize, bool alignCorners)
    {
        if (alignCorners) return outSize > 1 ? dst * (float)(inSize - 1) / (outSize - 1) : 0f;
        float src = (dst + 0.5f) * inSize / outSize - 0.5f;
        return src < 0f ? 0f : src;
    }
}
