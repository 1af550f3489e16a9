using System.Runtime.InteropServices;

namespace KernelGan.Kernels.Cpu;

/// <summary>
/// The CPU backend's float storage: native blocks, 64-byte aligned (one cache line, one
/// Vector512), bucketed and reused through a <see cref="BufferPool{T}"/>. Native memory does not
/// move and is never freed by the garbage collector, so a kernel's raw pointer stays valid until
/// the block is handed back here: by the last <see cref="DeviceBuffer.Release"/>, or by the
/// finalizer of a buffer that was never released (see <see cref="CpuBuffer"/>).
/// </summary>
internal sealed unsafe class CpuMemory
{
    public const int Alignment = 64;

    private readonly BufferPool<nint> _pool = new(granule: 64);

    public (long InUse, long Pooled) Stats => (_pool.BytesInUse, _pool.BytesPooled);

    /// <summary>The capacity, in floats, of the block that serves a request for <paramref name="length"/>.</summary>
    public int Bucket(int length) => _pool.Bucket(length);

    /// <summary>A block of <paramref name="bucket"/> floats: a pooled one if any, else fresh (uninitialized) memory.</summary>
    public float* Take(int bucket)
    {
        if (_pool.TryTake(bucket, out nint block)) return (float*)block;
        return (float*)NativeMemory.AlignedAlloc((nuint)bucket * sizeof(float), Alignment);
    }

    public void Return(float* block, int bucket)
    {
        if (!_pool.Return(bucket, (nint)block)) NativeMemory.AlignedFree(block);
    }

    /// <summary>Frees the pooled blocks; blocks in use come back to the pool as before.</summary>
    public void Trim() => _pool.Clear(Free);

    /// <summary>Frees the pooled blocks for good: blocks still in use are freed when they come back.</summary>
    public void Close() => _pool.Close(Free);

    // A backend dropped without Dispose (a test's own CpuBackend) would otherwise keep its pooled
    // native blocks forever (the garbage collector used to reclaim pooled arrays). Close, not Trim:
    // buffers finalized in the same collection may still hand their blocks back afterwards.
    ~CpuMemory() => Close();

    private static void Free(nint block) => NativeMemory.AlignedFree((void*)block);
}
