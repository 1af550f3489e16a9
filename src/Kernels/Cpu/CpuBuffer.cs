namespace KernelGan.Kernels.Cpu;

/// <summary>
/// Host memory for the CPU backend: a native, 64-byte aligned block from <see cref="CpuMemory"/>,
/// its capacity rounded to the pool's bucket. The block belongs to this buffer until the last
/// reference is released (then it goes back to the pool) or, for a buffer nobody released, until
/// the finalizer runs, which reports the leak (<see cref="BufferLeaks"/>) and reclaims the block.
/// Kernels keep their buffer arguments reachable for the whole call (<see cref="CpuBackend.Alive"/>),
/// so the finalizer can never reclaim a block that a running kernel still reads or writes.
/// A slice (<see cref="CpuBackend.Slice"/>) owns no block: it points into its parent's and holds a
/// reference on the parent, released with the slice's own last reference.
/// </summary>
public sealed unsafe class CpuBuffer : DeviceBuffer
{
    private static long s_serial;

    private readonly CpuMemory? _memory;
    private readonly CpuBuffer? _parent;
    private readonly int _capacity;
    private readonly long _serial;
    private readonly string? _allocatedAt;
    private string? _releasedAt;
    private float* _pointer;

    internal CpuBuffer(CpuBackend owner, CpuMemory memory, int length) : base(owner, length)
    {
        _memory = memory;
        _capacity = memory.Bucket(length);
        _pointer = memory.Take(_capacity);
        _serial = Interlocked.Increment(ref s_serial);
        if (BufferLeaks.Tracking) _allocatedAt = BufferLeaks.CallerStack();
    }

    internal CpuBuffer(CpuBackend owner, CpuBuffer parent, int offset, int length) : base(owner, length)
    {
        parent.Range(offset, length, "slice");
        parent.Retain();
        _parent = parent;
        _pointer = parent.Pointer + offset;
        _serial = Interlocked.Increment(ref s_serial);
        GC.SuppressFinalize(this); // nothing of its own to reclaim; the parent's finalizer guards the block
    }

    /// <summary>Address of element 0, valid until the buffer is released; a released buffer throws.</summary>
    internal float* Pointer
    {
        get
        {
            float* p = _pointer;
            if (p == null) throw UsedAfterRelease();
            return p;
        }
    }

    /// <summary>Address of element <paramref name="offset"/>, after checking that [offset, offset + count) lies inside the buffer.</summary>
    internal float* Range(long offset, long count, string operation)
    {
        if (offset < 0 || count < 0 || offset + count > Length)
            throw new ArgumentOutOfRangeException(nameof(offset),
                $"{operation}: elements [{offset}, {offset + count}) lie outside {this}");
        return Pointer + offset;
    }

    public override string ToString() => $"CPU buffer #{_serial} ({Length} floats{(_parent is null ? "" : $", a slice of #{_parent._serial}")})";

    protected override void ReturnToPool()
    {
        float* p = _pointer;
        _pointer = null;
        if (BufferLeaks.Tracking) _releasedAt = BufferLeaks.CallerStack();
        GC.SuppressFinalize(this);
        if (_parent is not null) _parent.Release();
        else _memory!.Return(p, _capacity);
    }

    ~CpuBuffer()
    {
        float* p = _pointer;
        if (p == null) return;
        _pointer = null;
        BufferLeaks.Report(ToString(), 4L * _capacity, _allocatedAt);
        _memory!.Return(p, _capacity);
    }

    private ObjectDisposedException UsedAfterRelease() =>
        new(ToString(), "the buffer was used after its last reference was released (its Tensor was disposed, " +
            "or its TensorScope ended)" + (_releasedAt is null
                ? "; set KERNELGAN_TRACK_LEAKS=1 to see where it was released"
                : $"; released at:{Environment.NewLine}{_releasedAt}"));
}

/// <summary>Host int indices for the CPU backend.</summary>
public sealed class CpuIndexBuffer : IndexBuffer
{
    private int[]? _values;

    public CpuIndexBuffer(ReadOnlySpan<int> values) : base(values.Length) => _values = values.ToArray();

    /// <summary>The indices; a managed array, so the garbage collector keeps it valid while a kernel holds it.</summary>
    public int[] Values => _values ?? throw new ObjectDisposedException(
        $"CPU index buffer ({Length} ints)", "the index buffer was used after it was disposed");

    public override void Dispose() => _values = null;
}
