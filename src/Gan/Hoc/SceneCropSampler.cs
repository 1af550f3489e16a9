using KernelGan.Gan.Data;

namespace KernelGan.Gan.Hoc;

/// <summary>
/// Real batches for HOC training: random square crops of ONE image (already at the working
/// resolution), each flipped horizontally and/or vertically at random. The crop positions of
/// step s depend only on (seed, s), so a resumed run sees the same batches as an uninterrupted one.
/// </summary>
public sealed class SceneCropSampler
{
    private readonly HostImage _scene;

    public SceneCropSampler(HostImage scene, int cropSize, int batch, long seed)
    {
        if (scene.Channels != 3) throw new ArgumentException("the scene must be an RGB image");
        if (cropSize > scene.Width || cropSize > scene.Height)
            throw new DataException($"the image ({scene.Width}x{scene.Height} at the working scale) is smaller than one {cropSize}-pixel crop");
        _scene = scene;
        CropSize = cropSize;
        BatchSize = batch;
        Seed = seed;
    }

    public int CropSize { get; }
    public int BatchSize { get; }
    public long Seed { get; }

    /// <summary>Crops of step <paramref name="step"/>, [batch, 3, crop, crop] in [-1, 1].</summary>
    public float[] Batch(long step)
    {
        int size = CropSize, plane = size * size;
        var result = new float[BatchSize * 3 * plane];
        // Counter-based: step s owns the Philox blocks [4 * batch * s, 4 * batch * (s + 1)).
        var rng = new Rng((ulong)Seed ^ 0x5eed5eedUL, (ulong)step * 4UL * (ulong)BatchSize);
        int w = _scene.Width, h = _scene.Height;
        for (int i = 0; i < BatchSize; i++)
        {
            int x0 = rng.NextInt(0, w - size), y0 = rng.NextInt(0, h - size);
            bool flipX = rng.NextInt(0, 1) == 1, flipY = rng.NextInt(0, 1) == 1;
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < size; y++)
                {
                    int sy = y0 + (flipY ? size - 1 - y : y);
                    int src = (c * h + sy) * w + x0;
                    int dst = ((i * 3 + c) * size + y) * size;
                    for (int x = 0; x < size; x++)
                        result[dst + x] = 2f * _scene.Data[src + (flipX ? size - 1 - x : x)] - 1f;
                }
        }
        return result;
    }
}
