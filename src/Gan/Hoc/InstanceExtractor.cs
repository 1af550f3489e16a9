using KernelGan.Gan.Data;

namespace KernelGan.Gan.Hoc;

/// <summary>
/// From foreground + boundary probabilities to instances: seeds are foreground pixels that are
/// not boundary (each instance's interior, separate even where instances touch); seeds are
/// labelled by 4-connected components, then grown over the rest of the foreground breadth-first,
/// so every foreground pixel joins its nearest seed. Foreground blobs without a seed become
/// instances of their own. In a homogeneous cluster instances are alike in size, so a piece well
/// below the typical size that touches an instance is a part of it cut off by a predicted
/// boundary (an eye, a highlight) and joins it; an isolated one is a speck and is dropped.
/// </summary>
public static class InstanceExtractor
{
    public static InstanceLabels Extract(InstanceMaps maps, float threshold = 0.5f, double minRelativeArea = 0.2, int minPixels = 6,
                                         double mergeRelativeArea = 0.4)
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
        return DropSpecks(MergeSmallPieces(compact, mergeRelativeArea), minRelativeArea, minPixels);
    }

    /// <summary>Joins each instance below mergeRelativeArea x the typical area to the neighbour it shares the longest border with.</summary>
    private static InstanceLabels MergeSmallPieces(InstanceLabels labels, double mergeRelativeArea)
    {
        int w = labels.Width, h = labels.Height;
        var ids = (int[])labels.Labels.Clone();
        var areas = new int[labels.Count + 1];
        foreach (int id in ids) if (id != 0) areas[id]++;
        if (areas.Count(a => a > 0) < 2) return labels;
        double small = mergeRelativeArea * TypicalArea(areas);
        var parent = Enumerable.Range(0, labels.Count + 1).ToArray();
        int Root(int id) { while (parent[id] != id) id = parent[id]; return id; }
        foreach (int id in Enumerable.Range(1, labels.Count).Where(i => areas[i] > 0 && areas[i] < small).OrderBy(i => areas[i]))
        {
            var border = new Dictionary<int, int>();
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    if (Root(ids[y * w + x]) != id) continue;
                    foreach (var (dx, dy) in Four)
                    {
                        int xx = x + dx, yy = y + dy;
                        if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
                        int other = ids[yy * w + xx];
                        if (other == 0) continue;
                        other = Root(other);
                        if (other != id) border[other] = border.GetValueOrDefault(other) + 1;
                    }
                }
            if (border.Count == 0) continue;
            int into = border.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).First().Key;
            parent[id] = into;
            areas[into] += areas[id];
        }
        for (int p = 0; p < ids.Length; p++) if (ids[p] != 0) ids[p] = Root(ids[p]);
        return InstanceLabels.Compact(ids, w, h);
    }

    /// <summary>
    /// The typical instance area: the area of the instance that holds the median foreground pixel
    /// (an area-weighted median). A plain median over instances would be dragged down by many
    /// small fragments, which then all pass as "typical"; fragments hold little of the foreground.
    /// </summary>
    private static double TypicalArea(int[] areas)
    {
        var sorted = areas.Where(a => a > 0).OrderBy(a => a).ToArray();
        long half = sorted.Sum(a => (long)a) / 2, covered = 0;
        foreach (int a in sorted)
        {
            covered += a;
            if (covered > half) return a;
        }
        return sorted.Length > 0 ? sorted[^1] : 0;
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

    /// <summary>Removes instances smaller than minRelativeArea x the typical instance area (and than minPixels).</summary>
    private static InstanceLabels DropSpecks(InstanceLabels labels, double minRelativeArea, int minPixels)
    {
        var areas = new int[labels.Count + 1];
        foreach (int id in labels.Labels) if (id != 0) areas[id]++;
        if (labels.Count == 0) return labels;
        double keep = Math.Max(minPixels, minRelativeArea * TypicalArea(areas));
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
