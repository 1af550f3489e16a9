namespace KernelGan.Kernels;

/// <summary>
/// A buffer of a <see cref="DelegatingBackend"/>: the inner backend's buffer under the wrapper's
/// name, so that tensors made from it keep routing their kernels through the wrapper.
/// </summary>
internal sealed class DelegatedBuffer(DelegatingBackend owner, DeviceBuffer inner) : DeviceBuffer(owner, inner.Length)
{
    public DeviceBuffer Inner { get; } = inner;

    protected override void ReturnToPool() => Inner.Release();
}
