using ILGPU;
using ILGPU.Runtime;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>
/// Device memory of the ILGPU backend: a pooled MemoryBuffer1D whose capacity is the pool's bucket
/// (at least <see cref="DeviceBuffer.Length"/> floats). The last release returns it to the pool.
/// </summary>
public sealed class IlgpuBuffer : DeviceBuffer
{
    private readonly IlgpuBackend _owner;

    internal IlgpuBuffer(IlgpuBackend owner, MemoryBuffer1D<float, Stride1D.Dense> memory, int length) : base(owner, length)
    {
        _owner = owner;
        Memory = memory;
    }

    internal MemoryBuffer1D<float, Stride1D.Dense> Memory { get; }

    /// <summary>The first <see cref="DeviceBuffer.Length"/> floats.</summary>
    internal ArrayView<float> View => Memory.View.BaseView.SubView(0, Length);

    /// <summary>The view from <paramref name="offset"/> to the end of the buffer.</summary>
    internal ArrayView<float> From(long offset) => Memory.View.BaseView.SubView(offset, Length - offset);

    protected override void ReturnToPool() => _owner.RecycleFloats(Memory);
}

/// <summary>Int32 indices in device memory (pooled like float buffers; Dispose returns them).</summary>
public sealed class IlgpuIndexBuffer : IndexBuffer
{
    private readonly IlgpuBackend _owner;
    private MemoryBuffer1D<int, Stride1D.Dense>? _memory;

    internal IlgpuIndexBuffer(IlgpuBackend owner, MemoryBuffer1D<int, Stride1D.Dense> memory, int length) : base(length)
    {
        _owner = owner;
        _memory = memory;
    }

    internal IlgpuBackend Owner => _owner;

    internal ArrayView<int> View =>
        (_memory ?? throw new ObjectDisposedException(nameof(IlgpuIndexBuffer))).View.BaseView.SubView(0, Math.Max(Length, 1));

    public override void Dispose()
    {
        var memory = Interlocked.Exchange(ref _memory, null);
        if (memory is not null) _owner.RecycleIndices(memory);
    }
}
