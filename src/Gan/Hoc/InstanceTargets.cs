using KernelGan.Gan.Prior;

namespace KernelGan.Gan.Hoc;

/// <summary>
/// The training targets of the instance segmenter, read off a generated sample whose instance
/// masks are known: channel 0 the foreground (pixels where some instance is the visible layer),
/// channel 1 the instance boundary (foreground pixels with an 8-neighbour that shows another
/// instance or the background). Foreground minus boundary leaves each instance's interior as a
/// separate blob even where two instances touch, which is what connected components need.
/// </summary>
public static class InstanceTargets
{
    /// <summary>[2, S, S]: foreground plane, then boundary plane.</summary>
    public static float[] From(PriorSample sample) => FromInstanceMap(sample.VisibleInstanceMap(), sample.Composite.Height, sample.Composite.Width);

    public static float[] FromInstanceMap(int[] ids, int height, int width)
    {
        int plane = height * width;
        var target = new float[2 * plane];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int p = y * width + x, id = ids[p];
                if (id == 0) continue;
                target[p] = 1f;
                bool edge = false;
                for (int dy = -1; dy <= 1 && !edge; dy++)
                    for (int dx = -1; dx <= 1 && !edge; dx++)
                    {
                        int yy = y + dy, xx = x + dx;
                        // The canvas border is not an instance boundary: instances run on past it.
                        if (yy < 0 || xx < 0 || yy >= height || xx >= width) continue;
                        edge = ids[yy * width + xx] != id;
                    }
                if (edge) target[plane + p] = 1f;
            }
        return target;
    }
}
