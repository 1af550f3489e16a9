namespace KernelGan.Gan.Data;

/// <summary>Batches of a dataset (box crops, object-centric images) with random flips.</summary>
public sealed class DatasetBatches(IImageDataset dataset, int batch, long seed) : IRealBatchSource
{
    private readonly ImageBatchLoader _loader = new(dataset, batch, seed, SamplingMode.EpochShuffle, randomFlip: true);

    public int Size => dataset.Size;
    public int BatchSize => batch;
    public float[] Batch(long step) => _loader.Batch(step).Images;
    public void Recycle(float[] images) => _loader.Recycle(new ImageBatch(-1, batch, dataset.Size, images, null, [], []));
    public void Dispose() => _loader.Dispose();
}
