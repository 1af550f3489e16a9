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

    private const long CollectAfterBytes = 256L << 20;

    private readonly BufferPool<nint> _pool = new(granule: 64);
    private long _collectAt = CollectAfterBytes;
    private int _collecting;

    public (long InUse, long Pooled) Stats => (_pool.BytesInUse, _pool.BytesPooled);

    /// <summary>The capacity, in floats, of the block that serves a request for <paramref name="length"/>.</summary>
    public int Bucket(int length) => _pool.Bucket(length);

    /// <summary>A block of <paramref name="bucket"/> floats: a pooled one if any, else fresh (uninitialized) memory.</summary>
    public float* Take(int bucket)
    {
        float* block = _pool.TryTake(bucket, out nint pooled)
            ? (float*)pooled
            : (float*)NativeMemory.AlignedAlloc((nuint)bucket * sizeof(float), Alignment);
        if (_pool.BytesInUse >= Volatile.Read(ref _collectAt)) CollectLeaks();
        return block;
    }

    /// <summary>
    /// Only a collection finds leaked buffers, and the collector sees a buffer as a small object,
    /// so left alone it lets leaked blocks pile up (8 GB in a test; GC.AddMemoryPressure did not
    /// help). So when the memory in use reaches twice what was in use after the last such
    /// collection (at least 256 MB more), collect and run the finalizers, which put leaked
    /// buffers' blocks back in the pool. Memory really in use raises the threshold with it,
    /// so a training loop pays a few collections in its first step and none after.
    /// </summary>
    private void CollectLeaks()
    {
        if (Interlocked.Exchange(ref _collecting, 1) != 0) return;
        try
        {
            GC.Collect();
            // The finalizers run on their own thread, and without waiting an allocating loop
            // outruns them. They take no lock but the pool's, which no caller holds here.
            GC.WaitForPendingFinalizers();
            long live = _pool.BytesInUse;
            Volatile.Write(ref _collectAt, Math.Max(2 * live, live + CollectAfterBytes));
        }
        finally
        {
            Volatile.Write(ref _collecting, 0);
        }
    }

    public void Return(float* block, int bucket)
    {
        if (!_pool.Return(bucket, (nint)block)) Free((nint)block);
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
