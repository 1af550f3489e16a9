namespace KernelGan.Gan.Data;

/// <summary>Object-centric blob creatures; see <see cref="SyntheticDataset.ObjectCentric"/>.</summary>
public sealed class SyntheticObjectDataset : IImageDataset
{
    public int Size { get; }
    public DataSplit Split { get; }
    public long Seed { get; }
    public int Count { get; }

    internal SyntheticObjectDataset(int size, DataSplit split, long seed)
    {
        SyntheticDataset.CheckSize(size, nameof(size));
        Size = size;
        Split = split;
        Seed = seed;
        Count = split == DataSplit.Train ? SyntheticDataset.TrainCount : SyntheticDataset.TestCount;
        _images = new RenderedImageCache(Count, 3, size, size);
    }

    private readonly RenderedImageCache _images;

    /// <summary>
    /// The generator key of item <paramref name="index"/>: the index itself for train, offset by 2^40
    /// for test, so the two splits never share a scene.
    /// </summary>
    public ulong SceneKey(int index)
    {
        CheckIndex(index);
        return SyntheticStreams.SceneKey(Split, index);
    }

    /// <summary>The image of item <paramref name="index"/>, rendered on first use and kept when the set fits in memory.</summary>
    public HostImage Image(int index) => _images.GetOrRender(index, i => ObjectCentricScenes.Render(Size, Seed, SceneKey(i)).Image);

    /// <summary>The exact mask for test items; null for train (the methods learn without mask labels).</summary>
    public HostImage? Mask(int index) =>
        Split == DataSplit.Test ? ObjectCentricScenes.Render(Size, Seed, SceneKey(index)).ForegroundMask() : null;

    /// <summary>Image and mask from one rendering (test split only; train throws, masks are hidden there).</summary>
    public (HostImage Image, HostImage Mask) ImageAndMask(int index)
    {
        if (Split != DataSplit.Test) throw new InvalidOperationException("masks of the synthetic train split are hidden; use the test split");
        var scene = ObjectCentricScenes.Render(Size, Seed, SceneKey(index));
        return (scene.Image, scene.ForegroundMask());
    }

    public string Name(int index) => $"synthetic-{Split.Name()}-{index:D5}";

    private void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), $"index {index} outside 0..{Count - 1}");
    }
}
