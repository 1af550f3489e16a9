using KernelGan.Kernels;

namespace KernelGan;

/// <summary>
/// A float32, contiguous, row-major array on some backend, plus what autograd needs: whether it
/// wants a gradient, its accumulated gradient, and the op that made it. Tensors hold a reference
/// on a pooled <see cref="DeviceBuffer"/>; <see cref="Dispose"/> (or the enclosing
/// <see cref="TensorScope"/>) gives it back, so steady-state training allocates nothing.
/// </summary>
public sealed partial class Tensor : IDisposable
{
    private DeviceBuffer? _buffer;

    internal Tensor(DeviceBuffer buffer, int[] shape, bool register = true)
    {
        _buffer = buffer;
        Shape = shape;
        Count = KernelGan.Shape.Count(shape);
        if (register) TensorScope.Register(this);
    }

    /// <summary>Dims, outermost first. Treat as read-only.</summary>
    public int[] Shape { get; }

    public int Count { get; }

    public int Rank => Shape.Length;

    public IBackend Backend => Buffer.Backend;

    /// <summary>Set on leaves (parameters, inputs) that want gradients; ops propagate it.</summary>
    public bool RequiresGrad { get; set; }

    /// <summary>Accumulated gradient of a leaf after <see cref="Backward"/>; persistent (outside scopes).</summary>
    public Tensor? Grad { get; set; }

    /// <summary>The op that produced this tensor, or null for a leaf.</summary>
    internal GradFn? GradFn { get; set; }

    public bool IsLeaf => GradFn is null;

    public string? Name { get; set; }

    /// <summary>The raw storage, for code that calls backend kernels directly (optimizers, EMA).</summary>
    public DeviceBuffer Buffer =>
        _buffer ?? throw new ObjectDisposedException(Describe(), "tensor used after it was disposed (or its scope ended)");

    public bool IsDisposed => _buffer is null;

    /// <summary>The arena this tensor's storage is a slice of, if it was packed.</summary>
    internal TensorArena? Arena { get; set; }

    /// <summary>Where this leaf's first gradient goes (a slice of its gradient arena), if it has one.</summary>
    internal Tensor? GradSlot { get; set; }

    /// <summary>Moves the storage to <paramref name="buffer"/> (holding the same values); the old buffer is released.</summary>
    internal void ReplaceStorage(DeviceBuffer buffer, TensorArena arena)
    {
        var old = Interlocked.Exchange(ref _buffer, buffer) ?? throw new ObjectDisposedException(Describe(), "pack: tensor was disposed");
        old.Release();
        Arena = arena;
    }

    public void Dispose()
    {
        var b = Interlocked.Exchange(ref _buffer, null);
        b?.Release();
        GradFn = null;
    }

    public override string ToString() => Describe();

    private string Describe() => $"Tensor{KernelGan.Shape.Format(Shape)}{(Name is null ? "" : " " + Name)}";

    // ---------------------------------------------------------------- creation

    /// <summary>An uninitialized tensor (pooled memory): for ops that overwrite every element. No backend named: the CPU's.</summary>
    public static Tensor Empty(int[] shape, IBackend? backend = null)
    {
        var be = backend ?? Device.Cpu;
        return new Tensor(be.Allocate(KernelGan.Shape.Count(shape)), (int[])shape.Clone());
    }

    public static Tensor Full(int[] shape, float value, IBackend? backend = null)
    {
        var t = Empty(shape, backend);
        t.Backend.Fill(t.Buffer, 0, t.Count, value);
        return t;
    }

    public static Tensor Zeros(params int[] shape) => Full(shape, 0f);

    public static Tensor Zeros(int[] shape, IBackend? backend) => Full(shape, 0f, backend);

    public static Tensor Ones(params int[] shape) => Full(shape, 1f);

    public static Tensor Scalar(float value, IBackend? backend = null) => Full([], value, backend);

    public static Tensor FromArray(ReadOnlySpan<float> data, int[] shape, IBackend? backend = null)
    {
        int n = KernelGan.Shape.Count(shape);
        if (data.Length != n)
            throw new ShapeException($"from-array: {data.Length} values do not fill shape {KernelGan.Shape.Format(shape)} ({n} elements)");
        var t = Empty(shape, backend);
        t.Backend.Upload(data, t.Buffer);
        return t;
    }

    public static Tensor FromArray(float[] data, params int[] shape) => FromArray(data.AsSpan(), shape);

    /// <summary>Copies the values to the host (waits for queued kernels).</summary>
    public float[] ToArray()
    {
        var result = new float[Count];
        Backend.Download(Buffer, 0, result);
        return result;
    }

    /// <summary>The single value of a one-element tensor.</summary>
    public float Item()
    {
        if (Count != 1) throw new ShapeException($"item: tensor {KernelGan.Shape.Format(Shape)} has {Count} elements, not 1");
        Span<float> one = stackalloc float[1];
        Backend.Download(Buffer, 0, one);
        return one[0];
    }

    /// <summary>A new tensor object sharing this one's storage, outside the graph.</summary>
    public Tensor Detach() => Alias();

    /// <summary>A copy with its own storage, outside the graph.</summary>
    public Tensor Clone()
    {
        var t = Empty(Shape, Backend);
        Backend.Copy2D(Buffer, 0, Count, t.Buffer, 0, Count, 1, Count);
        return t;
    }

    /// <summary>Overwrites this tensor's values with <paramref name="source"/>'s (same shape), outside the graph.</summary>
    public void CopyFrom(Tensor source)
    {
        if (source.Count != Count)
            throw new ShapeException($"copy: source {KernelGan.Shape.Format(source.Shape)} does not match {KernelGan.Shape.Format(Shape)}");
        Backend.Copy2D(source.Buffer, 0, Count, Buffer, 0, Count, 1, Count);
    }

    internal Tensor Alias(int[]? shape = null)
    {
        Buffer.Retain();
        return new Tensor(Buffer, shape ?? Shape);
    }
}
