using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>
/// Host-to-device uploads that do not wait for the device. ILGPU 1.5.3's CopyFromCPU synchronizes
/// the stream, so each upload (every step's real batch, its shifts and permutations) drained the
/// GPU's queue and the host then waited for it. Here the values are first copied into a ring of
/// page-locked host memory (AllocatePageLocked1D: DMA-able, so the device copy overlaps the host)
/// and the device copy is queued behind the kernels (CopyFromCPUUnsafeAsync). A stretch of the ring
/// is written again only after the stream was synchronized since its copy was queued (the backend
/// counts synchronizations: each <see cref="IlgpuBackend.Synchronize"/> and download is one), so the
/// host never overwrites values a queued copy has yet to read; when the ring is full of such
/// copies it synchronizes itself. Where page-locked memory is refused, the ring lives in ordinary
/// native memory: the same ordering, without the overlap. An upload larger than the ring takes
/// the synchronous path. Used from the backend's one calling thread.
/// </summary>
internal sealed unsafe class StagingRing<T> : IDisposable where T : unmanaged
{
    private readonly Accelerator _accelerator;
    private readonly int _capacity;
    private readonly Queue<(long Start, long End, long Epoch)> _pending = new();
    private PageLockedArray1D<T>? _pinned;
    private T* _native;
    private T* _base;
    private long _head;

    public StagingRing(Accelerator accelerator, int capacity)
    {
        _accelerator = accelerator;
        _capacity = capacity;
    }

    /// <summary>Values the ring holds.</summary>
    public int Capacity => _capacity;

    /// <summary>Whether the ring's memory is page-locked (null before the first upload).</summary>
    public bool? PageLocked { get; private set; }

    /// <summary>Synchronizations this ring forced because every stretch was still awaiting its copy.</summary>
    public long ForcedWaits { get; private set; }

    /// <summary>
    /// Queues the copy of <paramref name="source"/> into <paramref name="target"/>; returns at once
    /// (the values are staged). <paramref name="epoch"/> counts the stream's synchronizations;
    /// <paramref name="synchronize"/> waits for the stream and advances it.
    /// </summary>
    public void Upload(ReadOnlySpan<T> source, ArrayView1D<T, Stride1D.Dense> target, AcceleratorStream stream, Func<long> epoch, Action synchronize)
    {
        if (source.IsEmpty) return;
        if (source.Length > _capacity)
        {
            target.CopyFromCPU(stream, source);
            return;
        }
        EnsureMemory();
        long n = source.Length, pos = Reserve(n, epoch, synchronize);
        source.CopyTo(new Span<T>(_base + pos, source.Length));
        target.BaseView.CopyFromCPUUnsafeAsync(stream, ref Unsafe.AsRef<T>(_base + pos), n);
        _pending.Enqueue((pos, pos + n, epoch()));
        _head = pos + n;
    }

    /// <summary>Where n values can be written: after the newest stretch, wrapping to the start, past stretches whose copies have run.</summary>
    private long Reserve(long n, Func<long> epoch, Action synchronize)
    {
        long now = epoch();
        // A stretch whose copy was queued before the last synchronization has been read.
        while (_pending.Count > 0 && _pending.Peek().Epoch < now) _pending.Dequeue();
        if (_pending.Count > 0)
        {
            long oldest = _pending.Peek().Start;
            if (_head > oldest)
            {
                if (_head + n <= _capacity) return _head;
                if (n <= oldest) return 0;
            }
            else if (_head + n <= oldest) return _head;
            // Full of copies that may not have run yet: wait for them.
            synchronize();
            ForcedWaits++;
            _pending.Clear();
        }
        return _head + n <= _capacity ? _head : 0;
    }

    private void EnsureMemory()
    {
        if (_base != null) return;
        try
        {
            _pinned = _accelerator.AllocatePageLocked1D<T>(_capacity, true);
            _base = (T*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(_pinned.Span));
            PageLocked = true;
        }
        catch (Exception e) when (e is NotSupportedException or NotImplementedException or AcceleratorException or InvalidOperationException)
        {
            _pinned = null;
            _native = (T*)NativeMemory.Alloc((nuint)_capacity, (nuint)sizeof(T));
            _base = _native;
            PageLocked = false;
        }
    }

    /// <summary>Frees the ring; the backend synchronizes first, so no queued copy still reads it.</summary>
    public void Dispose()
    {
        _pinned?.Dispose();
        _pinned = null;
        if (_native != null) NativeMemory.Free(_native);
        _native = null;
        _base = null;
    }
}
