using KernelGan.Gan.Data;

namespace KernelGan.Gan.Hoc;

/// <summary>Random crops of one image (HOC).</summary>
public sealed class SceneCropBatches(SceneCropSampler sampler) : IRealBatchSource
{
    public int Size => sampler.CropSize;
    public int BatchSize => sampler.BatchSize;
    public float[] Batch(long step) => sampler.Batch(step);
    public void Dispose() { }
}
