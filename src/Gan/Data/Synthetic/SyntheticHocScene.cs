namespace KernelGan.Gan.Data;

/// <summary>A crop of the HOC scene: image, the matching part of the instance map, and where it was cut.</summary>
public sealed record HocCrop(HostImage Image, int[] InstanceMap, int X, int Y)
{
    /// <summary>Foreground (any instance) of the crop as a binary mask.</summary>
    public HostImage ForegroundMask()
    {
        return SceneRenderer.Foreground(InstanceMap, Image.Height, Image.Width);
    }
}

/// <summary>
/// The homogeneous-object-cluster scene: ONE image with many copies of one creature, rendered once
/// at construction. See <see cref="SyntheticDataset.Hoc"/>.
/// </summary>
public sealed class SyntheticHocScene
{
    /// <summary>Default number of virtual items of <see cref="AsCropDataset"/>.</summary>
    public const int DefaultCropCount = 20000;

    public int CropSize { get; }
    public int SceneSize { get; }
    public long Seed { get; }

    /// <summary>The scene, 3 x SceneSize x SceneSize.</summary>
    public HostImage Image { get; }

    /// <summary>Instance ids, row-major SceneSize x SceneSize: 0 = background, 1..InstanceCount = copies.</summary>
    public int[] InstanceMap { get; }

    public int InstanceCount { get; }

    internal SyntheticHocScene(int cropSize, long seed, int sceneSize)
    {
        SyntheticDataset.CheckSize(cropSize, nameof(cropSize));
        if (sceneSize < cropSize) throw new ArgumentOutOfRangeException(nameof(sceneSize), $"scene ({sceneSize}) must be at least the crop size ({cropSize})");
        if (sceneSize < 128) throw new ArgumentOutOfRangeException(nameof(sceneSize), "an HOC scene needs at least 128 pixels to hold 15-30 copies");
        CropSize = cropSize;
        SceneSize = sceneSize;
        Seed = seed;
        var scene = HocScenes.Render(sceneSize, seed);
        Image = scene.Image;
        InstanceMap = scene.InstanceMap;
        InstanceCount = scene.InstanceCount;
    }

    /// <summary>Binary mask of every copy.</summary>
    public HostImage ForegroundMask() => MaskWhere(id => id > 0);

    /// <summary>Binary mask of copy <paramref name="id"/> (1-based).</summary>
    public HostImage InstanceMask(int id)
    {
        if (id < 1 || id > InstanceCount) throw new ArgumentOutOfRangeException(nameof(id), $"instance ids are 1..{InstanceCount}");
        return MaskWhere(v => v == id);
    }

    private HostImage MaskWhere(Func<int, bool> predicate)
    {
        var mask = new HostImage(1, SceneSize, SceneSize);
        for (int i = 0; i < InstanceMap.Length; i++) mask.Data[i] = predicate(InstanceMap[i]) ? 1f : 0f;
        return mask;
    }

    /// <summary>A uniformly placed <paramref name="cropSize"/> square crop (fully inside the scene).</summary>
    public HocCrop RandomCrop(ref SplitMix64 rng, int cropSize)
    {
        if (cropSize <= 0 || cropSize > SceneSize) throw new ArgumentOutOfRangeException(nameof(cropSize), $"crop size must be 1..{SceneSize}");
        int x = rng.Below(SceneSize - cropSize + 1), y = rng.Below(SceneSize - cropSize + 1);
        return Crop(x, y, cropSize);
    }

    /// <summary>The crop with top-left corner (x, y); it must lie inside the scene.</summary>
    public HocCrop Crop(int x, int y, int cropSize)
    {
        if (x < 0 || y < 0 || x + cropSize > SceneSize || y + cropSize > SceneSize)
            throw new ArgumentOutOfRangeException(nameof(x), $"crop ({x}, {y}, {cropSize}) leaves the {SceneSize}x{SceneSize} scene");
        var image = ImageOps.Crop(Image, new CropWindow(x, y, cropSize), OutsideFill.EdgeReplicate);
        var ids = new int[cropSize * cropSize];
        for (int row = 0; row < cropSize; row++) Array.Copy(InstanceMap, (y + row) * SceneSize + x, ids, row * cropSize, cropSize);
        return new HocCrop(image, ids, x, y);
    }

    /// <summary>
    /// The scene as a training dataset: item i is the random <see cref="CropSize"/> crop drawn from
    /// (seed, i), so the same index always gives the same crop.
    /// </summary>
    public IImageDataset AsCropDataset(int count = DefaultCropCount) => new HocCropDataset(this, count);

    private sealed class HocCropDataset(SyntheticHocScene scene, int count) : IImageDataset
    {
        public int Count { get; } = count > 0 ? count : throw new ArgumentOutOfRangeException(nameof(count), "count must be positive");
        public int Size => scene.CropSize;
        public HostImage Image(int index) => CropOf(index).Image;

        /// <summary>HOC has no held-out split: the crop's foreground is given for evaluation and never read by training.</summary>
        public HostImage? Mask(int index) => CropOf(index).ForegroundMask();

        public string Name(int index) => $"synthetic-hoc-crop-{index:D5}";

        private HocCrop CropOf(int index)
        {
            if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), $"index {index} outside 0..{Count - 1}");
            var rng = SyntheticStreams.Stream(scene.Seed, SyntheticStreams.HocFamily, SyntheticStreams.Crop, (ulong)index);
            return scene.RandomCrop(ref rng, scene.CropSize);
        }
    }
}
