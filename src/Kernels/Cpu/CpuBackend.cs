namespace KernelGan.Kernels.Cpu;

/// <summary>
/// The fast path on CPU machines: SIMD on the widest path the hardware has (<see cref="Simd.SimdPath"/>) and all cores.
/// Kernels live in partial files by family; this file holds memory and copies.
/// </summary>
public sealed unsafe partial class CpuBackend : IBackend
{
    private readonly BufferPool<float[]> _pool = new(granule: 64);

    public static CpuBackend Instance { get; } = new();

    /// <summary>A backend with its own pool (tests that measure memory use one).</summary>
    public CpuBackend() { }

    public string Name => $"cpu ({Environment.ProcessorCount} cores, {Simd.SimdPath.Name})";

    public (long InUse, long Pooled) MemoryStats => (_pool.BytesInUse, _pool.BytesPooled);

    public DeviceBuffer Allocate(int length)
    {
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length), length, "negative buffer length");
        int bucket = _pool.Bucket(length);
        if (!_pool.TryTake(bucket, out var array))
            array = GC.AllocateUninitializedArray<float>(bucket, pinned: true);
        return new CpuBuffer(this, array, length);
    }

    internal void Recycle(float[] array) => _pool.Return(array.Length, array);

    public IndexBuffer UploadIndices(ReadOnlySpan<int> indices) => new CpuIndexBuffer(indices);

    public void Upload(ReadOnlySpan<float> source, DeviceBuffer destination, int destinationOffset = 0) =>
        source.CopyTo(Buf(destination).Array.AsSpan(destinationOffset, source.Length));

    public void Download(DeviceBuffer source, int sourceOffset, Span<float> destination) =>
        Buf(source).Array.AsSpan(sourceOffset, destination.Length).CopyTo(destination);

    public void Fill(DeviceBuffer buffer, int offset, int length, float value) =>
        Buf(buffer).Array.AsSpan(offset, length).Fill(value);

    public void Copy2D(DeviceBuffer src, int srcOffset, int srcStride,
                       DeviceBuffer dst, int dstOffset, int dstStride, int rows, int cols)
    {
        float[] s = Buf(src).Array, d = Buf(dst).Array;
        if (srcStride == cols && dstStride == cols)
        {
            System.Array.Copy(s, srcOffset, d, dstOffset, (long)rows * cols);
            return;
        }
        CpuParallel.For(rows, Math.Max(1, 16384 / Math.Max(1, cols)), (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
                System.Array.Copy(s, srcOffset + (long)r * srcStride, d, dstOffset + (long)r * dstStride, cols);
        });
    }

    public void Synchronize() { }

    public void Dispose() => _pool.Clear();

    internal static CpuBuffer Buf(DeviceBuffer b) =>
        b as CpuBuffer ?? throw new ArgumentException($"buffer belongs to {b.Backend.Name}, not the CPU backend");

    internal static float* Ptr(DeviceBuffer b) => Buf(b).Pointer;

    internal static float* PtrOrNull(DeviceBuffer? b) => b is null ? null : Buf(b).Pointer;

    internal static int[] Idx(IndexBuffer b) =>
        (b as CpuIndexBuffer ?? throw new ArgumentException("index buffer does not belong to the CPU backend")).Values;
}
