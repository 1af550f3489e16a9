using KernelGan.Gan.Data;
using KernelGan.Kernels;

namespace KernelGan.Gan.Ilsgan;

/// <summary>
/// Runs a generator without gradients in batches of the training batch size (batch norm uses
/// batch statistics, as during training) and copies the results to the host.
/// </summary>
public static class LayerSampler
{
    public static IEnumerable<GeneratedSample> Generate(LayeredGenerator g, Rng rng, int count, int batch, IBackend backend)
    {
        int size = g.Architecture.ImageSize, plane = size * size;
        for (int start = 0; start < count; start += batch)
        {
            float[] comp, fg, bg, mask;
            using (var scope = new TensorScope())
            using (Tensor.NoGrad())
            {
                var (zf, zb) = g.SampleLatents(rng, batch, backend);
                var layers = g.Forward(zf, zb);
                comp = layers.Composite().ToArray();
                fg = layers.Foreground.ToArray();
                bg = layers.Background.ToArray();
                mask = layers.Mask.ToArray();
            }
            for (int i = 0; i < batch && start + i < count; i++)
                yield return new GeneratedSample(
                    HostImage.FromMinusOneOne(comp.AsSpan(i * 3 * plane, 3 * plane), 3, size, size),
                    HostImage.FromMinusOneOne(fg.AsSpan(i * 3 * plane, 3 * plane), 3, size, size),
                    HostImage.FromMinusOneOne(bg.AsSpan(i * 3 * plane, 3 * plane), 3, size, size),
                    HostImage.MaskFrom(mask.AsSpan(i * plane, plane), size, size));
        }
    }

    /// <summary>A grid with one row per sample: composite | foreground | background | mask.</summary>
    public static HostImage Grid(IEnumerable<GeneratedSample> samples, int rows)
    {
        var tiles = new List<HostImage>();
        foreach (var s in samples.Take(rows))
            tiles.AddRange([s.Composite, s.Foreground, s.Background, s.Mask]);
        return ImageOps.MakeGrid(tiles, 4);
    }
}
