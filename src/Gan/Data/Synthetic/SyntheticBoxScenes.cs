namespace KernelGan.Gan.Data;

/// <summary>
/// Box-level synthetic data; see <see cref="SyntheticDataset.BoxScenes"/>. As an
/// <see cref="IFullImageDataset"/> its items are box crops (one per object) for training; the full
/// scenes, their masks and boxes are available for evaluation through the Scene* members.
/// </summary>
public sealed class SyntheticBoxScenes : IFullImageDataset
{
    private readonly int[] _firstItemOfScene; // prefix sums of objects per scene, length SceneCount + 1
    private readonly SceneCache _cache = new(16);

    public int Size { get; }
    public int SceneSize { get; }
    public DataSplit Split { get; }
    public long Seed { get; }
    public int SceneCount { get; }

    /// <summary>Number of box items (objects over all scenes).</summary>
    public int Count => _firstItemOfScene[SceneCount];

    internal SyntheticBoxScenes(int size, DataSplit split, long seed, int sceneSize)
    {
        SyntheticDataset.CheckSize(size, nameof(size));
        if (sceneSize < 32) throw new ArgumentOutOfRangeException(nameof(sceneSize), "box scenes need at least 32 pixels");
        Size = size;
        SceneSize = sceneSize;
        Split = split;
        Seed = seed;
        SceneCount = split == DataSplit.Train ? SyntheticDataset.TrainCount : SyntheticDataset.TestCount;
        // Object counts come from their own tiny stream, so indexing needs no rendering.
        _firstItemOfScene = new int[SceneCount + 1];
        for (int s = 0; s < SceneCount; s++)
            _firstItemOfScene[s + 1] = _firstItemOfScene[s] + BoxScenes.ObjectCount(seed, SyntheticStreams.SceneKey(split, s));
        _images = new RenderedImageCache(Count, 3, size, size);
    }

    private readonly RenderedImageCache _images;

    /// <summary>The scene and box number of item <paramref name="index"/>.</summary>
    public (int Scene, int Box) Locate(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), $"index {index} outside 0..{Count - 1}");
        int scene = Array.BinarySearch(_firstItemOfScene, index);
        if (scene < 0) scene = ~scene - 1;
        else while (scene + 1 < _firstItemOfScene.Length && _firstItemOfScene[scene + 1] == index) scene++; // skip empty scenes (none today)
        return (scene, index - _firstItemOfScene[scene]);
    }

    public HostImage SceneImage(int scene) => GetScene(scene).RenderImage();

    /// <summary>Full-scene foreground mask (test split; null for train).</summary>
    public HostImage? SceneMask(int scene) => Split == DataSplit.Test ? GetScene(scene).ForegroundMask() : null;

    /// <summary>Tight boxes of the scene's objects (box supervision is allowed in training).</summary>
    public IReadOnlyList<BoxAnnotation> SceneBoxes(int scene) => GetScene(scene).Boxes;

    /// <summary>The box crop of item <paramref name="index"/>, rendered on first use and kept when the set fits in memory.</summary>
    public HostImage Image(int index) => _images.GetOrRender(index, i =>
    {
        var (scene, box) = Locate(i);
        var layout = GetScene(scene);
        return ImageOps.Resize(layout.RenderCrop(layout.Boxes[box].Window()), Size);
    });

    public HostImage? Mask(int index)
    {
        if (Split != DataSplit.Test) return null;
        var (scene, box) = Locate(index);
        var layout = GetScene(scene);
        return ImageOps.ResizeMask(ImageOps.Crop(layout.ForegroundMask(), layout.Boxes[box].Window(), OutsideFill.Zero), Size);
    }

    public string Name(int index)
    {
        var (scene, box) = Locate(index);
        return SceneNames.BoxItem($"synthetic-boxes-{Split.Name()}-{scene:D5}", box);
    }

    public CropWindow Window(int index) => Box(index).Window();

    public (int Width, int Height) FullSize(int index) => (SceneSize, SceneSize);

    public BoxAnnotation Box(int index)
    {
        var (scene, box) = Locate(index);
        return GetScene(scene).Boxes[box];
    }

    BoxAnnotation? IFullImageDataset.Box(int index) => Box(index);

    public HostImage FullImage(int index) => SceneImage(Locate(index).Scene);

    public HostImage? FullMask(int index) => SceneMask(Locate(index).Scene);

    private BoxSceneLayout GetScene(int scene)
    {
        if ((uint)scene >= (uint)SceneCount) throw new ArgumentOutOfRangeException(nameof(scene), $"scene {scene} outside 0..{SceneCount - 1}");
        return _cache.GetOrAdd(scene, s => BoxScenes.Layout(SceneSize, Seed, SyntheticStreams.SceneKey(Split, s)));
    }

    /// <summary>
    /// A few recent scene layouts: consecutive items (the boxes of one scene, or an evaluation loop
    /// asking for crop, mask and full image) then share one layout pass.
    /// </summary>
    private sealed class SceneCache(int capacity)
    {
        private readonly LinkedList<(int Key, BoxSceneLayout Value)> _entries = new();
        private readonly Lock _lock = new();

        public BoxSceneLayout GetOrAdd(int key, Func<int, BoxSceneLayout> build)
        {
            lock (_lock)
            {
                for (var node = _entries.First; node is not null; node = node.Next)
                {
                    if (node.Value.Key != key) continue;
                    _entries.Remove(node);
                    _entries.AddFirst(node);
                    return node.Value.Value;
                }
            }
            var value = build(key); // outside the lock: builds on several threads may overlap
            lock (_lock)
            {
                _entries.AddFirst((key, value));
                while (_entries.Count > capacity) _entries.RemoveLast();
            }
            return value;
        }
    }
}
