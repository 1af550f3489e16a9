using KernelGan.Gan.Data;
using KernelGan.Gan.Hoc;

namespace KernelGan.Gan.Prior;

/// <summary>Real training images for step s, [batch, 3, size, size] in [-1, 1]; a pure function of s (exact resume).</summary>
public interface IRealBatchSource : IDisposable
{
    int Size { get; }
    int BatchSize { get; }
    float[] Batch(long step);
}

/// <summary>Batches of a dataset (box crops, object-centric images) with random flips.</summary>
public sealed class DatasetBatches(IImageDataset dataset, int batch, long seed) : IRealBatchSource
{
    private readonly ImageBatchLoader _loader = new(dataset, batch, seed, SamplingMode.EpochShuffle, randomFlip: true);

    public int Size => dataset.Size;
    public int BatchSize => batch;
    public float[] Batch(long step) => _loader.Batch(step).Images;
    public void Dispose() => _loader.Dispose();
}

/// <summary>Random crops of one image (HOC).</summary>
public sealed class SceneCropBatches(SceneCropSampler sampler) : IRealBatchSource
{
    public int Size => sampler.CropSize;
    public int BatchSize => sampler.BatchSize;
    public float[] Batch(long step) => sampler.Batch(step);
    public void Dispose() { }
}
