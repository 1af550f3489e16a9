namespace KernelGan.Gan.Hoc;

/// <summary>An instance label map: 0 = background, 1..Count = instances, row-major Height x Width.</summary>
public sealed record InstanceLabels(int[] Labels, int Width, int Height, int Count)
{
    public sealed record Instance(int Id, int Area, int X, int Y, int BoxWidth, int BoxHeight);

    /// <summary>Area and tight box of every instance, by id.</summary>
    public List<Instance> Describe()
    {
        var area = new int[Count + 1];
        var minX = Enumerable.Repeat(int.MaxValue, Count + 1).ToArray();
        var minY = Enumerable.Repeat(int.MaxValue, Count + 1).ToArray();
        var maxX = new int[Count + 1];
        var maxY = new int[Count + 1];
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
            {
                int id = Labels[y * Width + x];
                if (id == 0) continue;
                area[id]++;
                minX[id] = Math.Min(minX[id], x); maxX[id] = Math.Max(maxX[id], x);
                minY[id] = Math.Min(minY[id], y); maxY[id] = Math.Max(maxY[id], y);
            }
        return Enumerable.Range(1, Count).Where(id => area[id] > 0)
            .Select(id => new Instance(id, area[id], minX[id], minY[id], maxX[id] - minX[id] + 1, maxY[id] - minY[id] + 1)).ToList();
    }

    /// <summary>Renumbers so that ids run 1..Count without gaps, in reading order of each instance's first pixel.</summary>
    public static InstanceLabels Compact(int[] labels, int width, int height)
    {
        var map = new Dictionary<int, int>();
        var result = new int[labels.Length];
        for (int p = 0; p < labels.Length; p++)
        {
            int id = labels[p];
            if (id == 0) continue;
            if (!map.TryGetValue(id, out int next)) map[id] = next = map.Count + 1;
            result[p] = next;
        }
        return new InstanceLabels(result, width, height, map.Count);
    }
}
