namespace KernelGan.Kernels.Cpu;

/// <summary>
/// The fast path on CPU machines: SIMD on the widest path the hardware has (<see cref="Simd.SimdPath"/>) and all cores.
/// Kernels live in partial files by family; this file holds memory and copies.
/// </summary>
public sealed unsafe partial class CpuBackend : IBackend
{
    private readonly CpuMemory _memory = new();

    public static CpuBackend Instance { get; } = new();

    /// <summary>A backend with its own pool (tests that measure memory use one).</summary>
    public CpuBackend() { }

    public string Name => $"cpu ({Environment.ProcessorCount} cores, {Simd.SimdPath.Name})";

    public (long InUse, long Pooled) MemoryStats => _memory.Stats;

    public DeviceBuffer Allocate(int length)
    {
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length), length, "negative buffer length");
        return new CpuBuffer(this, _memory, length);
    }

    public DeviceBuffer Slice(DeviceBuffer parent, int offset, int length)
    {
        using var alive = Alive(parent);
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length), length, "negative slice length");
        return new CpuBuffer(this, Buf(parent), offset, length);
    }

    public IndexBuffer UploadIndices(ReadOnlySpan<int> indices) => new CpuIndexBuffer(indices);

    public void Upload(ReadOnlySpan<float> source, DeviceBuffer destination, int destinationOffset = 0)
    {
        using var alive = Alive(destination);
        source.CopyTo(new Span<float>(Buf(destination).Range(destinationOffset, source.Length, "upload"), source.Length));
    }

    public void Download(DeviceBuffer source, int sourceOffset, Span<float> destination)
    {
        using var alive = Alive(source);
        new ReadOnlySpan<float>(Buf(source).Range(sourceOffset, destination.Length, "download"), destination.Length).CopyTo(destination);
    }

    public void Fill(DeviceBuffer buffer, int offset, int length, float value)
    {
        using var alive = Alive(buffer);
        new Span<float>(Buf(buffer).Range(offset, length, "fill"), length).Fill(value);
    }

    public void Copy2D(DeviceBuffer src, int srcOffset, int srcStride,
                       DeviceBuffer dst, int dstOffset, int dstStride, int rows, int cols)
    {
        using var alive = Alive(src, dst);
        if (rows <= 0 || cols <= 0) return;
        long srcSpan = (long)(rows - 1) * srcStride + cols, dstSpan = (long)(rows - 1) * dstStride + cols;
        float* s = Buf(src).Range(srcOffset, srcSpan, "copy2d source"), d = Buf(dst).Range(dstOffset, dstSpan, "copy2d destination");
        // Buffer.MemoryCopy is a memmove: overlapping contiguous runs in one buffer copy correctly.
        if (srcStride == cols && dstStride == cols)
        {
            Buffer.MemoryCopy(s, d, 4 * dstSpan, 4 * srcSpan);
            return;
        }
        CpuParallel.For(rows, Math.Max(1, 16384 / cols), (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
                Buffer.MemoryCopy(s + (long)r * srcStride, d + (long)r * dstStride, 4L * cols, 4L * cols);
        });
    }

    public void Synchronize() { }

    /// <summary>Frees the pooled memory; buffers still in use stay valid (and are pooled again when released).</summary>
    public void Dispose() => _memory.Trim();

    internal static CpuBuffer Buf(DeviceBuffer b) =>
        b as CpuBuffer ?? throw new ArgumentException($"buffer belongs to {b.Backend.Name}, not the CPU backend");

    internal static float* Ptr(DeviceBuffer b) => Buf(b).Pointer;

    internal static float* PtrOrNull(DeviceBuffer? b) => b is null ? null : Buf(b).Pointer;

    internal static int[] Idx(IndexBuffer b) =>
        (b as CpuIndexBuffer ?? throw new ArgumentException("index buffer does not belong to the CPU backend")).Values;
}
