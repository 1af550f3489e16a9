using KernelGan.Gan.Data;

namespace KernelGan.Gan.Hoc;

/// <summary>Random crops of one image (HOC), the next batches cut in the background (a pure function of the step).</summary>
public sealed class SceneCropBatches(SceneCropSampler sampler) : IRealBatchSource
{
    private readonly BatchPrefetcher<float[]> _prefetcher = new(sampler.Batch, ImageBatchLoader.PrefetchDepth);

    public int Size => sampler.CropSize;
    public int BatchSize => sampler.BatchSize;
    public float[] Batch(long step) => _prefetcher.Get(step);
    public void Dispose() => _prefetcher.Dispose();
}
