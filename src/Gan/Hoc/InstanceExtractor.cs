using KernelGan.Gan.Data;

namespace KernelGan.Gan.Hoc;

/// <summary>
/// From foreground + boundary probabilities to instances: seeds are foreground pixels that are
/// not boundary (each instance's interior, separate even where instances touch); seeds are
/// labelled by 4-connected components, then grown over the rest of the foreground breadth-first,
/// so every foreground pixel joins its nearest seed. Foreground blobs without a seed become
/// instances of their own; blobs far below the typical instance size are dropped as specks.
/// </summary>
public static class InstanceExtractor
{
    public static InstanceLabels Extract(InstanceMaps maps, float threshold = 0.5f, double minRelativeArea = 0.2, int minPixels = 6)
    {
        int w = maps.Foreground.Width, h = maps.Foreground.Height, n = w * h;
        var fg = new bool[n];
        var seed = new bool[n];
        for (int p = 0; p < n; p++)
        {
            fg[p] = maps.Foreground.Data[p] >= threshold;
            seed[p] = fg[p] && maps.Boundary.Data[p] < threshold;
        }
        var labels = new int[n];
        int count = 0;
        for (int p = 0; p < n; p++)
            if (seed[p] && labels[p] == 0) Flood(p, ++count, seed, labels, w, h);

        // Grow every seed into the foreground (multi-source BFS: nearest seed wins).
        var queue = new Queue<int>();
        for (int p = 0; p < n; p++) if (labels[p] != 0) queue.Enqueue(p);
        Grow(queue, fg, labels, w, h);
        // Foreground left unreached has no seed of its own: its blobs become instances.
        for (int p = 0; p < n; p++)
            if (fg[p] && labels[p] == 0) Flood(p, ++count, fg, labels, w, h);

        var compact = InstanceLabels.Compact(labels, w, h);
        return DropSpecks(compact, minRelativeArea, minPixels);
    }

    private static readonly (int Dx, int Dy)[] Four = [(1, 0), (-1, 0), (0, 1), (0, -1)];

    private static void Flood(int start, int id, bool[] allowed, int[] labels, int w, int h)
    {
        var stack = new Stack<int>();
        stack.Push(start);
        labels[start] = id;
        while (stack.Count > 0)
        {
            int p = stack.Pop(), x = p % w, y = p / w;
            foreach (var (dx, dy) in Four)
            {
                int xx = x + dx, yy = y + dy;
                if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
                int q = yy * w + xx;
                if (!allowed[q] || labels[q] != 0) continue;
                labels[q] = id;
                stack.Push(q);
            }
        }
    }

    private static void Grow(Queue<int> queue, bool[] fg, int[] labels, int w, int h)
    {
        while (queue.Count > 0)
        {
            int p = queue.Dequeue(), x = p % w, y = p / w;
            foreach (var (dx, dy) in Four)
            {
                int xx = x + dx, yy = y + dy;
                if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
                int q = yy * w + xx;
                if (!fg[q] || labels[q] != 0) continue;
                labels[q] = labels[p];
                queue.Enqueue(q);
            }
        }
    }

    /// <summary>Removes instances smaller than minRelativeArea x the median instance area (and than minPixels).</summary>
    private static InstanceLabels DropSpecks(InstanceLabels labels, double minRelativeArea, int minPixels)
    {
        var areas = new int[labels.Count + 1];
        foreach (int id in labels.Labels) if (id != 0) areas[id]++;
        var sorted = areas.Skip(1).OrderBy(a => a).ToArray();
        if (sorted.Length == 0) return labels;
        double median = sorted[sorted.Length / 2];
        double keep = Math.Max(minPixels, minRelativeArea * median);
        var filtered = labels.Labels.Select(id => id != 0 && areas[id] >= keep ? id : 0).ToArray();
        return InstanceLabels.Compact(filtered, labels.Width, labels.Height);
    }

    /// <summary>
    /// Brings labels found at the working scale to the image's own size: a full-size pixel is
    /// foreground where the bilinearly upsampled foreground probability is, and takes the label of
    /// the nearest labelled working-scale pixel (searching outward a few pixels, since the upsampled
    /// outline can reach past the working-scale one).
    /// </summary>
    public static InstanceLabels Upscale(InstanceLabels labels, HostImage foreground, int width, int height, float threshold = 0.5f)
    {
        var fgFull = foreground.Width == width && foreground.Height == height ? foreground : ImageOps.Resize(foreground, height, width);
        var result = new int[width * height];
        int lw = labels.Width, lh = labels.Height;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                if (fgFull.Data[y * width + x] < threshold) continue;
                float sx = (x + 0.5f) * lw / width - 0.5f, sy = (y + 0.5f) * lh / height - 0.5f;
                result[y * width + x] = NearestLabel(labels, sx, sy, 2);
            }
        return InstanceLabels.Compact(result, width, height);
    }

    private static int NearestLabel(InstanceLabels labels, float sx, float sy, int radius)
    {
        int cx = (int)MathF.Round(sx), cy = (int)MathF.Round(sy);
        int best = 0;
        float bestDistance = float.MaxValue;
        for (int dy = -radius; dy <= radius; dy++)
            for (int dx = -radius; dx <= radius; dx++)
            {
                int x = cx + dx, y = cy + dy;
                if (x < 0 || y < 0 || x >= labels.Width || y >= labels.Height) continue;
                int id = labels.Labels[y * labels.Width + x];
                if (id == 0) continue;
                float d = (x - sx) * (x - sx) + (y - sy) * (y - sy);
                if (d < bestDistance) { bestDistance = d; best = id; }
            }
        return best;
    }
}
