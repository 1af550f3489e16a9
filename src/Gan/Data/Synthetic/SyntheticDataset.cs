namespace KernelGan.Gan.Data;

/// <summary>
/// The built-in procedural data ("blob creatures"), so every command works on a fresh machine with
/// no files. Every image is a pure function of (seed, split, index), rendered on demand, identically
/// on every machine and thread; rendered images are kept in memory for later epochs when the split
/// fits in 1 GiB (<see cref="RenderedImageCache"/>).
/// </summary>
public static class SyntheticDataset
{
    public const int TrainCount = 20000;
    public const int TestCount = 500;
    public const int DefaultBoxSceneSize = 128;
    public const int DefaultHocSceneSize = 256;

    /// <summary>
    /// One creature per image covering about 15–50% of it, over an independent background.
    /// Train: 20000 virtual items, masks hidden (null). Test: 500 held-out items with masks.
    /// </summary>
    public static SyntheticObjectDataset ObjectCentric(int size, DataSplit split = DataSplit.Train, long seed = 0) =>
        new(size, split, seed);

    /// <summary>
    /// Scenes (default 128x128) with 1–3 creatures and tight boxes; items are the 1.5x box crops at
    /// <paramref name="size"/>. Train: 20000 scenes, masks hidden. Test: 500 scenes with masks.
    /// </summary>
    public static SyntheticBoxScenes BoxScenes(int size, DataSplit split = DataSplit.Train, long seed = 0, int sceneSize = DefaultBoxSceneSize) =>
        new(size, split, seed, sceneSize);

    /// <summary>
    /// One scene (default 256x256, or 4x the crop size if larger) holding 15–30 copies of one
    /// creature, with its instance map; HOC training uses random <paramref name="size"/> crops of it.
    /// </summary>
    public static SyntheticHocScene Hoc(int size, long seed = 0, int sceneSize = 0) =>
        new(size, seed, sceneSize > 0 ? sceneSize : Math.Max(DefaultHocSceneSize, 4 * size));

    internal static void CheckSize(int size, string name)
    {
        if (size < 8) throw new ArgumentOutOfRangeException(name, $"synthetic images need at least 8 pixels, got {size}");
    }
}
