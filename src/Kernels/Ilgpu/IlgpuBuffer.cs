using ILGPU;
using ILGPU.Runtime;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>
/// Device memory of the ILGPU backend: a pooled MemoryBuffer1D whose capacity is the pool's bucket
/// (at least <see cref="DeviceBuffer.Length"/> floats). The last release returns it to the pool.
/// A slice (<see cref="IlgpuBackend.Slice"/>) is a window at <see cref="Offset"/> into its parent's
/// memory; it holds a reference on the parent and releases it instead of recycling the memory.
/// </summary>
public sealed class IlgpuBuffer : DeviceBuffer
{
    private readonly IlgpuBackend _owner;
    private readonly IlgpuBuffer? _parent;

    internal IlgpuBuffer(IlgpuBackend owner, MemoryBuffer1D<float, Stride1D.Dense> memory, int length) : base(owner, length)
    {
        _owner = owner;
        Memory = memory;
    }

    internal IlgpuBuffer(IlgpuBackend owner, IlgpuBuffer parent, int offset, int length) : base(owner, length)
    {
        if (offset < 0 || length < 0 || (long)offset + length > parent.Length)
            throw new ArgumentOutOfRangeException(nameof(offset), $"slice [{offset}, {(long)offset + length}) lies outside a buffer of {parent.Length} floats");
        parent.Retain();
        _owner = owner;
        _parent = parent;
        Memory = parent.Memory;
        Offset = parent.Offset + offset;
    }

    /// <summary>The whole allocation this buffer lies in (a slice shares its parent's).</summary>
    internal MemoryBuffer1D<float, Stride1D.Dense> Memory { get; }

    /// <summary>Where this buffer's element 0 lies in <see cref="Memory"/> (0 unless a slice).</summary>
    internal long Offset { get; }

    /// <summary>The buffer's <see cref="DeviceBuffer.Length"/> floats.</summary>
    internal ArrayView<float> View => Memory.View.BaseView.SubView(Offset, Length);

    /// <summary>The view from <paramref name="offset"/> to the end of the buffer.</summary>
    internal ArrayView<float> From(long offset) => Memory.View.BaseView.SubView(Offset + offset, Length - offset);

    /// <summary>Floats [offset, offset + length) of the buffer.</summary>
    internal ArrayView1D<float, Stride1D.Dense> Region(long offset, long length) => Memory.View.SubView(Offset + offset, length);

    protected override void ReturnToPool()
    {
        if (_parent is not null) _parent.Release();
        else _owner.RecycleFloats(Memory);
    }
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
