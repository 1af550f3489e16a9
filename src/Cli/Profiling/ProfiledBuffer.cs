using KernelGan.Kernels;

namespace KernelGan.Cli.Profiling;

/// <summary>
/// A buffer of the profiled backend: it wraps the real backend's buffer so that tensors created
/// from it keep routing their kernels through <see cref="ProfilingBackend"/>.
/// </summary>
public sealed class ProfiledBuffer : DeviceBuffer
{
    public ProfiledBuffer(ProfilingBackend owner, DeviceBuffer inner) : base(owner, inner.Length) => Inner = inner;

    public DeviceBuffer Inner { get; }

    protected override void ReturnToPool() => Inner.Release();
}
