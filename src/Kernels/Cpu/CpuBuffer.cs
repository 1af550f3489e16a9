namespace KernelGan.Kernels.Cpu;

/// <summary>
/// Host memory for the CPU backend: a pinned array (so kernels can use raw pointers without
/// fixed blocks) with its capacity rounded to the pool's bucket.
/// </summary>
public sealed unsafe class CpuBuffer : DeviceBuffer
{
    private readonly CpuBackend _owner;

    internal CpuBuffer(CpuBackend owner, float[] array, int length) : base(owner, length)
    {
        _owner = owner;
        Array = array;
        Pointer = (float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref array[0]);
    }

    internal float[] Array { get; }

    /// <summary>Address of element 0; valid for the buffer's lifetime because the array is pinned.</summary>
    public float* Pointer { get; }

    public Span<float> Span => new(Array, 0, Length);

    protected override void ReturnToPool() => _owner.Recycle(Array);
}

/// <summary>Host int indices for the CPU backend.</summary>
public sealed class CpuIndexBuffer : IndexBuffer
{
    public CpuIndexBuffer(ReadOnlySpan<int> values) : base(values.Length) => Values = values.ToArray();
    public int[] Values { get; }
    public override void Dispose() { }
}
