namespace KernelGan.Gan.Data;

/// <summary>How a loader picks dataset items for each batch.</summary>
public enum SamplingMode
{
    /// <summary>Every epoch visits every item once, in a fresh keyed order (batches may straddle epochs).</summary>
    EpochShuffle,

    /// <summary>Each slot independently draws a uniform item (items can repeat within a batch).</summary>
    WithReplacement,
}

/// <summary>
/// Turns a dataset into [B, 3, S, S] float batches in [-1, 1] (plus optional [B, 1, S, S] masks).
/// <see cref="Batch"/> is a pure function of (seed, step): which items, which get mirrored, in
/// what order — so a run resumed at step k receives exactly the batches the original run would
/// have. While the caller works on batch k, batches k+1 and k+2 are prepared in the background
/// (<see cref="BatchPrefetcher{T}"/>), overlapping data preparation with compute. Use from one consuming thread.
/// </summary>
public sealed class ImageBatchLoader : IDisposable
{
    /// <summary>Batches prepared ahead: two, so one slow batch (a cold file cache, a busy core) does not stall the step.</summary>
    public const int PrefetchDepth = 2;

    private readonly IImageDataset _dataset;
    private readonly BatchPrefetcher<ImageBatch> _prefetcher;
    private readonly System.Collections.Concurrent.ConcurrentBag<float[]> _spareImages = new();
    private bool _disposed;

    public int BatchSize { get; }
    public long Seed { get; }
    public SamplingMode Mode { get; }
    public bool RandomFlip { get; }
    public bool WithMasks { get; }
    public bool Prefetch { get; }
    public int Size => _dataset.Size;

    public ImageBatchLoader(IImageDataset dataset, int batchSize, long seed, SamplingMode mode = SamplingMode.EpochShuffle,
        bool randomFlip = true, bool withMasks = false, bool prefetch = true)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), "batch size must be positive");
        if (dataset.Count <= 0) throw new DataException("dataset is empty: nothing to batch");
        _dataset = dataset;
        BatchSize = batchSize;
        Seed = seed;
        Mode = mode;
        RandomFlip = randomFlip;
        WithMasks = withMasks;
        Prefetch = prefetch;
        _prefetcher = new BatchPrefetcher<ImageBatch>(Build, prefetch ? PrefetchDepth : 0);
    }

    /// <summary>
    /// The batch for training step <paramref name="step"/> (0-based). Returns the prefetched batch
    /// when it is the one asked for, and then queues the next ones in the background.
    /// </summary>
    public ImageBatch Batch(long step)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), "step must not be negative");
        return _prefetcher.Get(step);
    }

    /// <summary>
    /// Hands a batch's image array back for a later batch, once the caller no longer reads it (the
    /// training loop, right after uploading it). A 64 px batch of 32 is 1.5 MB, a large-object-heap
    /// array; at GPU speeds a fresh one per step would be hundreds of MB/s of garbage and frequent
    /// full collections. Optional: a batch never handed back is simply collected.
    /// </summary>
    public void Recycle(ImageBatch batch)
    {
        if (_spareImages.Count < PrefetchDepth + 2) _spareImages.Add(batch.Images);
    }

    /// <summary>Dataset indices used by batch <paramref name="step"/> (pure, cheap).</summary>
    public int[] Indices(long step)
    {
        var indices = new int[BatchSize];
        long count = _dataset.Count;
        for (int k = 0; k < BatchSize; k++)
        {
            if (Mode == SamplingMode.WithReplacement)
            {
                var rng = SplitMix64.ForKey(Seed, 0xB47C4, (ulong)step, (ulong)k);
                indices[k] = (int)(((rng.NextULong() >> 32) * (ulong)count) >> 32);
            }
            else
            {
                long position = step * BatchSize + k;
                long epoch = position / count;
                var permutation = new IndexPermutation(count, SplitMix64.Hash((ulong)Seed, 0xE90C4, (ulong)epoch));
                indices[k] = (int)permutation[position % count];
            }
        }
        return indices;
    }

    private bool FlipOf(long step, int k) =>
        RandomFlip && (SplitMix64.Hash((ulong)Seed, 0xF11B, (ulong)step, (ulong)k) & 1) == 1;

    /// <summary>Builds batch <paramref name="step"/> synchronously, without touching the prefetch.</summary>
    public ImageBatch Build(long step)
    {
        int s = _dataset.Size, imageLength = 3 * s * s, maskLength = s * s;
        var indices = Indices(step);
        // Every element is written below, so a recycled array needs no clearing.
        var images = _spareImages.TryTake(out var spare) && spare.Length == BatchSize * imageLength ? spare : new float[BatchSize * imageLength];
        var masks = WithMasks ? new float[BatchSize * maskLength] : null;
        var flipped = new bool[BatchSize];
        // Items are independent (datasets are safe to read from several threads), so a batch is
        // built on up to half the cores: one thread rendering synthetic images takes ~15 ms per batch
        // of 32 at 32 px, as long as a whole 32 px train step on an H100 (14 ms), while on a small CPU
        // machine the other half of the cores stays with the training step.
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount / 2) };
        try
        {
            Parallel.For(0, BatchSize, options, k => BuildItem(k));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }

        void BuildItem(int k)
        {
            int index = indices[k];
            var image = _dataset.Image(index);
            if (image.Channels != 3 || image.Height != s || image.Width != s)
                throw new InvalidOperationException($"dataset item {index} is {image}, expected 3x{s}x{s}");
            var slot = images.AsSpan(k * imageLength, imageLength);
            image.ToMinusOneOne(slot);
            flipped[k] = FlipOf(step, k);
            if (flipped[k]) ImageOps.FlipHorizontalInPlace(slot, 3, s, s);
            if (masks is null) return;
            var mask = _dataset.Mask(index)
                ?? throw new DataException($"{_dataset.Name(index)}: no mask, but the loader was asked for masks (this dataset or split has none)");
            var maskSlot = masks.AsSpan(k * maskLength, maskLength);
            mask.Data.AsSpan(0, maskLength).CopyTo(maskSlot);
            if (flipped[k]) ImageOps.FlipHorizontalInPlace(maskSlot, 1, s, s);
        }

        return new ImageBatch(step, BatchSize, s, images, masks, indices, flipped);
    }

    /// <summary>Waits for running prefetches so no worker outlives the loader.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _prefetcher.Dispose();
    }
}
