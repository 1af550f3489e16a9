using KernelGan.Kernels;

namespace KernelGan.Gan.Losses;

/// <summary>
/// A fixed [1, 1, S, S] map that is 1 on the image's outer band (<c>band</c> pixels on every edge)
/// and 0 inside: where a prior says the object is not. Built once per trainer and kept on the
/// device for the run.
/// </summary>
public sealed class FrameBand
{
    public FrameBand(int size, int band, IBackend backend)
    {
        if (band < 1 || 2 * band >= size) throw new ArgumentOutOfRangeException(nameof(band), $"frame band: {band} px on a {size}-px image");
        var frame = new float[size * size];
        int ones = 0;
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
                if (x < band || y < band || x >= size - band || y >= size - band) { frame[y * size + x] = 1f; ones++; }
        Fraction = ones / (float)(size * size);
        using (TensorScope.Suspend()) Map = Tensor.FromArray(frame, [1, 1, size, size], backend);
    }

    /// <summary>The 0/1 map, broadcast over a batch of masks.</summary>
    public Tensor Map { get; }

    /// <summary>Share of the image's pixels in the band.</summary>
    public float Fraction { get; }
}
