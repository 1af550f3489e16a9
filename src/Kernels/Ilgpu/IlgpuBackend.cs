using ILGPU;
using ILGPU.Runtime;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>
/// The IBackend on an ILGPU accelerator (CUDA, OpenCL, or ILGPU's CPU simulator). Kernels live in
/// Kernels/ (device code) and the partial files IlgpuBackend.*.cs (launches), one per family, as in
/// the CPU backend. Everything is queued on one in-order stream: launches return at once,
/// <see cref="Download"/> and <see cref="Synchronize"/> wait. Because the stream is in order, a
/// buffer handed back to the pool can be reused by the next call at once: any later kernel that
/// writes it runs after every earlier kernel that read it.
/// </summary>
public sealed partial class IlgpuBackend : IBackend
{
    private readonly Context _context;
    private readonly Accelerator _accelerator;
    private readonly AcceleratorStream _stream;
    private readonly BufferPool<MemoryBuffer1D<float, Stride1D.Dense>> _floatPool;
    private readonly BufferPool<MemoryBuffer1D<int, Stride1D.Dense>> _indexPool;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _absentFloats;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _absentIndices;
    private readonly StagingRing<float> _floatStaging;
    private readonly StagingRing<int> _indexStaging;
    private long _syncEpoch;
    private readonly object _loadGate = new();
    private int _disposed;
    private long _deviceAllocations;
    private int _compiledKernels;

    /// <summary>
    /// Takes ownership of <paramref name="context"/> and <paramref name="accelerator"/>; throws
    /// <see cref="DeviceException"/> if the accelerator can't run <paramref name="precision"/>'s GEMM.
    /// </summary>
    internal IlgpuBackend(string name, Context context, Accelerator accelerator, GemmPrecision precision = GemmPrecision.Fp32)
    {
        if (PrecisionProblem(accelerator, precision) is { } problem) throw new DeviceException($"{name}: {problem}");
        Name = precision == GemmPrecision.Fp32 ? name : $"{name} {precision.Name()}";
        Precision = precision;
        _context = context;
        _accelerator = accelerator;
        _stream = accelerator.DefaultStream;
        IsSimulator = accelerator.AcceleratorType == AcceleratorType.CPU;
        GroupSize = LargestPowerOfTwoAtMost(Math.Min(IsSimulator ? 32 : GroupReduce.MaxGroupSize, accelerator.MaxNumThreadsPerGroup));
        int residentGroups = Math.Max(1, accelerator.NumMultiprocessors * Math.Max(1, accelerator.MaxNumThreadsPerMultiprocessor / GroupSize));
        // The simulator runs groups one after another: two groups still exercise the grid-stride loops.
        MaxGroups = IsSimulator ? 2 : Math.Min(65535, 2 * residentGroups);
        // Big GPU allocations are few and large; a coarser granule costs little and merges near-equal sizes.
        int granule = IsSimulator ? 64 : 256;
        _floatPool = new BufferPool<MemoryBuffer1D<float, Stride1D.Dense>>(granule);
        _indexPool = new BufferPool<MemoryBuffer1D<int, Stride1D.Dense>>(granule);
        _absentFloats = accelerator.Allocate1D<float>(1);
        _absentIndices = accelerator.Allocate1D<int>(1);
        ConvColumnBudget = IsSimulator ? 1 << 20 : 1 << 25;
        // 64 MB of page-locked floats: about 40 real batches of 32 at 64 px between two waits.
        _floatStaging = new StagingRing<float>(accelerator, IsSimulator ? 1 << 20 : 1 << 24);
        _indexStaging = new StagingRing<int>(accelerator, 1 << 16);
    }

    /// <summary>Waits the upload rings forced (every staged stretch still awaiting its copy): 0 in a steady training loop.</summary>
    internal long ForcedUploadWaits => _floatStaging.ForcedWaits + _indexStaging.ForcedWaits;

    /// <summary>Floats the upload ring holds.</summary>
    internal int UploadRingFloats => _floatStaging.Capacity;

    /// <summary>Whether uploads are staged in page-locked memory (null before the first upload).</summary>
    internal bool? UploadsPageLocked => _floatStaging.PageLocked;

    public string Name { get; }

    internal Accelerator Accelerator => _accelerator;

    /// <summary>ILGPU's CPU accelerator: a correctness harness that runs every GPU thread as an OS thread.</summary>
    internal bool IsSimulator { get; }

    /// <summary>
    /// An OpenCL device without the generic address space (PoCL 3.x): kernels are loaded through
    /// <see cref="GlobalOnlyOpenCL"/>, which declares ILGPU's generic pointers global.
    /// </summary>
    internal bool GlobalPointersOnly { get; init; }

    /// <summary>Threads per group of the 1-D kernels (a power of two, at most <see cref="GroupReduce.MaxGroupSize"/>).</summary>
    internal int GroupSize { get; }

    /// <summary>Most groups a grid-stride launch uses: enough to keep every multiprocessor busy.</summary>
    internal int MaxGroups { get; }

    /// <summary>Device allocations made so far (pool misses): flat after the first training step.</summary>
    internal long DeviceAllocations => Interlocked.Read(ref _deviceAllocations);

    /// <summary>Kernels compiled so far: each at most once per backend.</summary>
    internal int CompiledKernels => Volatile.Read(ref _compiledKernels);

    /// <summary>Called once when the backend is disposed (the device registry forgets it).</summary>
    internal Action<IlgpuBackend>? Disposed { get; set; }

    public (long InUse, long Pooled) MemoryStats =>
        (_floatPool.BytesInUse + _indexPool.BytesInUse, _floatPool.BytesPooled + _indexPool.BytesPooled);

    // ---------------------------------------------------------------- memory

    public DeviceBuffer Allocate(int length)
    {
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length), length, "negative buffer length");
        int bucket = _floatPool.Bucket(length);
        if (!_floatPool.TryTake(bucket, out var memory))
            memory = AllocateWithRetry(() => _accelerator.Allocate1D<float>(bucket));
        return new IlgpuBuffer(this, memory, length);
    }

    public IndexBuffer UploadIndices(ReadOnlySpan<int> indices)
    {
        int bucket = _indexPool.Bucket(indices.Length);
        if (!_indexPool.TryTake(bucket, out var memory))
            memory = AllocateWithRetry(() => _accelerator.Allocate1D<int>(bucket));
        _indexStaging.Upload(indices, memory.View.SubView(0, indices.Length), _stream, SyncEpoch, Synchronize);
        return new IlgpuIndexBuffer(this, memory, indices.Length);
    }

    /// <summary>
    /// Allocates; when the device is out of memory, frees everything the pool caches and tries once
    /// more (a training run's shapes can change, e.g. at evaluation, leaving unused buckets behind).
    /// </summary>
    private T AllocateWithRetry<T>(Func<T> allocate)
    {
        Interlocked.Increment(ref _deviceAllocations);
        try
        {
            return allocate();
        }
        catch (Exception e) when (e is AcceleratorException or OutOfMemoryException)
        {
            Synchronize();
            _floatPool.Clear(m => m.Dispose());
            _indexPool.Clear(m => m.Dispose());
            return allocate();
        }
    }

    internal void RecycleFloats(MemoryBuffer1D<float, Stride1D.Dense> memory)
    {
        if (Volatile.Read(ref _disposed) != 0) memory.Dispose();
        else _floatPool.Return((int)memory.Length, memory);
    }

    internal void RecycleIndices(MemoryBuffer1D<int, Stride1D.Dense> memory)
    {
        if (Volatile.Read(ref _disposed) != 0) memory.Dispose();
        else _indexPool.Return((int)memory.Length, memory);
    }

    /// <summary>Stages the host values and queues their copy behind the queued kernels, without waiting (<see cref="StagingRing{T}"/>).</summary>
    public void Upload(ReadOnlySpan<float> source, DeviceBuffer destination, int destinationOffset = 0)
    {
        if (source.IsEmpty) return;
        _floatStaging.Upload(source, Buf(destination).Region(destinationOffset, source.Length), _stream, SyncEpoch, Synchronize);
    }

    /// <summary>Synchronizations of the stream so far: a copy queued before the latest one has run.</summary>
    private long SyncEpoch() => _syncEpoch;

    /// <summary>Waits for the queued kernels, then copies.</summary>
    public void Download(DeviceBuffer source, int sourceOffset, Span<float> destination)
    {
        if (destination.IsEmpty)
        {
            Synchronize();
            return;
        }
        Buf(source).Region(sourceOffset, destination.Length).CopyToCPU(_stream, destination);
        _syncEpoch++; // CopyToCPU waited for the stream
    }

    public void Fill(DeviceBuffer buffer, int offset, int length, float value)
    {
        if (length <= 0) return;
        var target = Buf(buffer);
        var view = target.Region(offset, length);
        // All-zero bits: the driver's memset is the fastest fill there is. Not at an offset on
        // OpenCL: ILGPU 1.5.3's CLMemSet multiplies the view's byte offset by the element size
        // again (clEnqueueFillBuffer then clears the wrong range), so the kernel fills those.
        if (BitConverter.SingleToInt32Bits(value) == 0 && (target.Offset + offset == 0 || _accelerator.AcceleratorType != AcceleratorType.OpenCL))
            view.MemSetToZero(_stream);
        else Launch(ref _fill, PointwiseKernels.Fill)(_stream, Linear(length), view.BaseView, new PointwiseArgs(length, UnaryOp.Affine, value, 0f));
    }

    public void Copy2D(DeviceBuffer src, int srcOffset, int srcStride,
                       DeviceBuffer dst, int dstOffset, int dstStride, int rows, int cols)
    {
        if (rows <= 0 || cols <= 0) return;
        var s = Buf(src);
        var d = Buf(dst);
        long srcSpan = (long)(rows - 1) * srcStride + cols, dstSpan = (long)(dstStride * (long)(rows - 1)) + cols;
        if (ReferenceEquals(s.Memory, d.Memory) && s.Offset + srcOffset < d.Offset + dstOffset + dstSpan && d.Offset + dstOffset < s.Offset + srcOffset + srcSpan)
        {
            // Overlapping runs in one buffer: go through a copy so the result is as if read before written.
            var staging = (IlgpuBuffer)Allocate((int)srcSpan);
            Copy2D(src, srcOffset, srcStride, staging, 0, srcStride, rows, cols);
            Copy2D(staging, 0, srcStride, dst, dstOffset, dstStride, rows, cols);
            staging.Release();
            return;
        }
        if (srcStride == cols && dstStride == cols)
        {
            s.Region(srcOffset, (long)rows * cols).CopyTo(_stream, d.Region(dstOffset, (long)rows * cols));
            return;
        }
        Launch(ref _copy2D, PointwiseKernels.Copy2D)(_stream, Linear((long)rows * cols),
            s.From(srcOffset), d.From(dstOffset), new Copy2DArgs(rows, cols, srcStride, dstStride));
    }

    public DeviceBuffer Slice(DeviceBuffer parent, int offset, int length)
    {
        var buffer = Buf(parent);
        if (!ReferenceEquals(buffer.Backend, this)) throw new ArgumentException($"buffer belongs to {buffer.Backend.Name}, not {Name}");
        return new IlgpuBuffer(this, buffer, offset, length);
    }

    public void Synchronize()
    {
        _stream.Synchronize();
        _syncEpoch++;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            _stream.Synchronize();
        }
        finally
        {
            _floatStaging.Dispose();
            _indexStaging.Dispose();
            _floatPool.Clear(m => m.Dispose());
            _indexPool.Clear(m => m.Dispose());
            _absentFloats.Dispose();
            _absentIndices.Dispose();
            _accelerator.Dispose();
            _context.Dispose();
            Disposed?.Invoke(this);
        }
    }

    public override string ToString() => Name;

    // ---------------------------------------------------------------- helpers for the kernel families

    internal static IlgpuBuffer Buf(DeviceBuffer b) =>
        b as IlgpuBuffer ?? throw new ArgumentException($"buffer belongs to {b.Backend.Name}, not an ILGPU backend");

    internal ArrayView<float> View(DeviceBuffer b)
    {
        var buffer = Buf(b);
        if (!ReferenceEquals(buffer.Backend, this))
            throw new ArgumentException($"buffer belongs to {buffer.Backend.Name}, not {Name}");
        return buffer.View;
    }

    /// <summary>The buffer's view, or a one-element placeholder for an absent optional output (its kernel flag says not to touch it).</summary>
    internal ArrayView<float> ViewOrAbsent(DeviceBuffer? b) => b is null ? _absentFloats.View.BaseView : View(b);

    internal ArrayView<int> Indices(IndexBuffer b)
    {
        var buffer = b as IlgpuIndexBuffer ?? throw new ArgumentException("index buffer does not belong to an ILGPU backend");
        if (!ReferenceEquals(buffer.Owner, this)) throw new ArgumentException($"index buffer belongs to another device, not {Name}");
        return buffer.View;
    }

    internal ArrayView<int> IndicesOrAbsent(IndexBuffer? b) => b is null ? _absentIndices.View.BaseView : Indices(b);

    /// <summary>A pooled temporary; release it after enqueuing the kernels that use it (see the class remarks).</summary>
    internal IlgpuBuffer Scratch(long length)
    {
        if (length > int.MaxValue) throw new InvalidOperationException($"{Name}: temporary of {length} floats exceeds the 2^31 element limit");
        return (IlgpuBuffer)Allocate((int)length);
    }

    /// <summary>
    /// A grid-stride launch over <paramref name="work"/> items. Kernels index in 32 bits (64-bit
    /// division and multiplication cost several instructions each on GPUs); every buffer holds
    /// fewer than 2^31 floats, and this check keeps the loop counter itself from overflowing.
    /// </summary>
    internal KernelConfig Linear(long work)
    {
        if (work > int.MaxValue - (long)MaxGroups * GroupSize)
            throw new InvalidOperationException($"{Name}: a launch over {work} elements exceeds the kernels' 32-bit indexing");
        long groups = Math.Clamp((work + GroupSize - 1) / GroupSize, 1, MaxGroups);
        return new KernelConfig((int)groups, GroupSize);
    }

    /// <summary>One group per item (row, channel, sample), grid-striding when there are more items than groups.</summary>
    internal KernelConfig GroupPerItem(int items) => new(Math.Clamp(items, 1, MaxGroups), GroupSize);

    /// <summary>Loads (compiles) a kernel on first use and keeps the launcher: each kernel is compiled once per backend.</summary>
    internal TDelegate Launch<TDelegate>(ref TDelegate? slot, Delegate kernel) where TDelegate : Delegate
    {
        var loaded = Volatile.Read(ref slot);
        if (loaded is not null) return loaded;
        lock (_loadGate)
        {
            if (slot is null)
            {
                slot = (TDelegate)LoadKernel<TDelegate>(kernel);
                _compiledKernels++;
            }
            return slot;
        }
    }

    private Delegate LoadKernel<TDelegate>(Delegate kernel) where TDelegate : Delegate
    {
        if (GlobalPointersOnly) return GlobalOnlyOpenCL.Load<TDelegate>((ILGPU.Runtime.OpenCL.CLAccelerator)_accelerator, kernel);
        // The loader is the generic LoadKernel<T1..Tn> overload matching the launcher's parameters
        // after (stream, config): resolved by reflection once, so each family declares only its delegate type.
        var parameterTypes = typeof(TDelegate).GetGenericArguments().Skip(2).ToArray();
        var loader = KernelLoaderFor(parameterTypes.Length).MakeGenericMethod(parameterTypes);
        try
        {
            return (Delegate)loader.Invoke(null, [_accelerator, kernel])!;
        }
        catch (System.Reflection.TargetInvocationException e) when (e.InnerException is not null)
        {
            // Surface ILGPU's own compile error, not the reflection wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    private static System.Reflection.MethodInfo KernelLoaderFor(int parameterCount) =>
        typeof(KernelLoaders).GetMethods()
            .Single(m => m.Name == nameof(KernelLoaders.LoadKernel) && m.IsGenericMethodDefinition
                         && m.GetGenericArguments().Length == parameterCount
                         && m.GetParameters().Length == 2
                         && m.GetParameters()[1].ParameterType.IsGenericType
                         && m.GetParameters()[1].ParameterType.GetGenericTypeDefinition().Name.StartsWith("Action"));

    private static int LargestPowerOfTwoAtMost(int value)
    {
        int p = 1;
        while (p * 2 <= value) p *= 2;
        return p;
    }
}
