namespace KernelGan.Gan.Segmentation;

/// <summary>
/// Training pairs for a U-Net segmenter, held on the host: images [N, 3, S, S] in [-1, 1] and
/// per-pixel binary targets [N, C, S, S]. The last tenth (at least one pair) validates; the rest
/// trains.
/// </summary>
public sealed class SegmentationPairs
{
    public SegmentationPairs(float[] images, float[] targets, int count, int targetChannels, int size)
    {
        Images = images;
        Targets = targets;
        Count = count;
        TargetChannels = targetChannels;
        Size = size;
        ValidationCount = Math.Max(1, count / 10);
        TrainCount = count - ValidationCount;
    }

    public float[] Images { get; }
    public float[] Targets { get; }
    public int Count { get; }
    public int TargetChannels { get; }
    public int Size { get; }
    public int Plane => Size * Size;
    public int TrainCount { get; }
    public int ValidationCount { get; }

    /// <summary>Pair <paramref name="index"/>'s image, 3 planes.</summary>
    public Span<float> Image(int index) => Images.AsSpan(index * 3 * Plane, 3 * Plane);

    /// <summary>Pair <paramref name="index"/>'s targets, <see cref="TargetChannels"/> planes.</summary>
    public Span<float> Target(int index) => Targets.AsSpan(index * TargetChannels * Plane, TargetChannels * Plane);

    /// <summary>
    /// Runs <paramref name="score"/> over the validation pairs in chunks of at most
    /// <paramref name="chunk"/> (first pair index, count), so a predictor sees batches, not single images.
    /// </summary>
    public void ForEachValidationChunk(int chunk, Action<int, int> score)
    {
        for (int i = 0; i < ValidationCount; i += chunk) score(TrainCount + i, Math.Min(chunk, ValidationCount - i));
    }
}

/// <summary>Augments one training pair in place (image and its targets alike), drawing from <paramref name="random"/>.</summary>
public delegate void PairAugmentation(Span<float> image, Span<float> targets, int size, Random random);
