namespace KernelGan.Gan.Data;

/// <summary>Simple statistics over sets of same-size binary masks.</summary>
public static class DatasetStats
{
    /// <summary>Share of pixels that are foreground (value >= 0.5).</summary>
    public static double ForegroundFraction(HostImage mask)
    {
        long count = 0;
        foreach (float v in mask.Data) if (v >= 0.5f) count++;
        return (double)count / mask.Data.Length;
    }

    public static double MeanForegroundFraction(IReadOnlyList<HostImage> masks)
    {
        CheckSameSize(masks);
        return masks.Average(ForegroundFraction);
    }

    /// <summary>Per-pixel frequency of foreground over the set (a soft "mean mask").</summary>
    public static HostImage MeanMask(IReadOnlyList<HostImage> masks)
    {
        CheckSameSize(masks);
        var mean = new HostImage(1, masks[0].Height, masks[0].Width);
        foreach (var mask in masks)
            for (int i = 0; i < mean.Data.Length; i++) if (mask.Data[i] >= 0.5f) mean.Data[i] += 1f;
        float inv = 1f / masks.Count;
        for (int i = 0; i < mean.Data.Length; i++) mean.Data[i] *= inv;
        return mean;
    }

    /// <summary>Collects the masks of a dataset (null masks are an error: the set must be labelled).</summary>
    public static List<HostImage> Masks(IImageDataset dataset, int? limit = null)
    {
        int n = Math.Min(dataset.Count, limit ?? int.MaxValue);
        var masks = new List<HostImage>(n);
        for (int i = 0; i < n; i++)
            masks.Add(dataset.Mask(i) ?? throw new DataException($"{dataset.Name(i)}: no mask (statistics need a labelled split)"));
        return masks;
    }

    internal static void CheckSameSize(IReadOnlyList<HostImage> masks)
    {
        ArgumentNullException.ThrowIfNull(masks);
        if (masks.Count == 0) throw new ArgumentException("no masks given", nameof(masks));
        var first = masks[0];
        foreach (var m in masks)
        {
            if (m.Channels != 1 || m.Height != first.Height || m.Width != first.Width)
                throw new ArgumentException($"masks must all be 1x{first.Height}x{first.Width}, found {m}", nameof(masks));
        }
    }
}
