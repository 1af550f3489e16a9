namespace KernelGan.Gan.Data;

/// <summary>
/// Real training images for step s, [batch, 3, size, size] in [-1, 1]; a pure function of s (exact
/// resume). The prior's trainer reads its real images through this, so it need not know whether
/// they come from a dataset (<see cref="DatasetBatches"/>) or from crops of one scene (HOC's
/// SceneCropBatches).
/// </summary>
public interface IRealBatchSource : IDisposable
{
    int Size { get; }
    int BatchSize { get; }
    float[] Batch(long step);

    /// <summary>Hands back an array <see cref="Batch"/> returned, once the caller no longer reads it (reused for a later batch); optional.</summary>
    void Recycle(float[] images) { }
}
