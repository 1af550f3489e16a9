namespace KernelGan.Gan.Data;

/// <summary>Opens a dataset from the command line's <c>--data</c> value.</summary>
public static class DatasetFactory
{
    public const string Synthetic = "synthetic";
    public const string SyntheticBoxes = "synthetic-boxes";
    public const string SyntheticHoc = "synthetic-hoc";

    /// <summary>
    /// <list type="bullet">
    /// <item><c>synthetic</c>: object-centric blob creatures (<see cref="SyntheticDataset.ObjectCentric"/>).</item>
    /// <item><c>synthetic-boxes</c>: box crops of multi-object scenes (<see cref="SyntheticDataset.BoxScenes"/>).</item>
    /// <item><c>synthetic-hoc</c>: random crops of one HOC scene (<see cref="SyntheticDataset.Hoc"/>; no splits, <paramref name="split"/> is ignored).</item>
    /// <item>a directory containing images.txt: CUB-200-2011 (always box crops; <paramref name="useBoxes"/> is implied).</item>
    /// <item>any other directory: a <see cref="FolderDataset"/> (centre crops, or box crops with <paramref name="useBoxes"/>);
    /// a folder has no splits, so <paramref name="split"/> is ignored and the whole folder is used.</item>
    /// </list>
    /// Folder and CUB datasets decode all images now; <paramref name="progress"/> reports images done.
    /// </summary>
    public static IImageDataset Open(string spec, int size, DataSplit split = DataSplit.Train, long seed = 0,
        bool useBoxes = false, IProgress<int>? progress = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(size), "image size must be positive");
        switch (spec.Trim().ToLowerInvariant())
        {
            case Synthetic: return SyntheticDataset.ObjectCentric(size, split, seed);
            case SyntheticBoxes: return SyntheticDataset.BoxScenes(size, split, seed);
            case SyntheticHoc: return SyntheticDataset.Hoc(size, seed).AsCropDataset();
        }
        if (!Directory.Exists(spec))
        {
            throw DataException.ForPath(spec, File.Exists(spec)
                ? "is a file; expected a dataset directory or one of synthetic, synthetic-boxes, synthetic-hoc"
                : "dataset not found (expected synthetic, synthetic-boxes, synthetic-hoc, a CUB-200-2011 root or a folder with images/)");
        }
        if (CubDataset.IsCubRoot(spec)) return new CubDataset(spec, size, split, progress: progress);
        return new FolderDataset(spec, size, useBoxes, progress);
    }

    /// <summary>Largest side masks are scored at: the papers' protocols stop at 128 px, and a cut per image grows with its pixels.</summary>
    public const int MaxEvaluationSize = 128;

    /// <summary>
    /// The side at which <paramref name="spec"/>'s masks are scored: a folder's own resolution (the
    /// shorter side of its first image, at most <see cref="MaxEvaluationSize"/>, at least the model's
    /// <paramref name="modelSize"/>), so a model trained at 32 px on 64 px photos is judged at 64 px,
    /// the masks a user gets; the built-in sets and CUB at the model's size.
    /// </summary>
    public static int EvaluationSize(string spec, int modelSize)
    {
        if (spec.Trim().StartsWith(Synthetic, StringComparison.OrdinalIgnoreCase) || !Directory.Exists(spec) || CubDataset.IsCubRoot(spec))
            return modelSize;
        string images = Path.Combine(spec, "images");
        // The same listing (extensions, order) FolderDataset reads, so "first" is its first item.
        string? first = Directory.Exists(images) ? FolderDataset.ListImages(images).Select(f => f.Path).FirstOrDefault() : null;
        if (first is null) return modelSize;
        var (w, h) = ImageIo.ReadSize(first);
        return Math.Max(modelSize, Math.Min(MaxEvaluationSize, Math.Min(w, h)));
    }
}
