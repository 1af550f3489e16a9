namespace KernelGan.Kernels;

/// <summary>
/// A run of float32 values in some backend's memory. Buffers are reference counted because a
/// reshaped or detached tensor shares its parent's storage; the last release hands the memory back
/// to the backend's pool, so a training step that repeats the same shapes allocates nothing new.
/// </summary>
public abstract class DeviceBuffer
{
    private int _refs = 1;

    protected DeviceBuffer(IBackend backend, int length)
    {
        Backend = backend;
        Length = length;
    }

    public IBackend Backend { get; }

    /// <summary>Number of floats the caller asked for (the pooled allocation may be larger).</summary>
    public int Length { get; }

    public bool IsReleased => Volatile.Read(ref _refs) <= 0;

    public void Retain()
    {
        if (Interlocked.Increment(ref _refs) <= 1)
            throw new ObjectDisposedException(ToString(), "retain of a buffer that was already released");
    }

    public void Release()
    {
        int left = Interlocked.Decrement(ref _refs);
        if (left == 0) ReturnToPool();
        else if (left < 0) throw new ObjectDisposedException(ToString(), "buffer released twice");
    }

    /// <summary>Gives the memory back for reuse; called once, when the last reference is released.</summary>
    protected abstract void ReturnToPool();
}

/// <summary>A run of int32 indices on a backend (batch permutations, gather indices).</summary>
public abstract class IndexBuffer : IDisposable
{
    protected IndexBuffer(int length) => Length = length;
    public int Length { get; }
    public abstract void Dispose();
}
