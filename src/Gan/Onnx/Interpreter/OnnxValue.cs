using KernelGan.Kernels;

namespace KernelGan.Gan.Onnx.Interpreter;

/// <summary>
/// A value flowing through the interpreted graph. Float data lives on the backend as a
/// <see cref="Tensor"/>; constants (initializers, Constant nodes) start on the host and are
/// uploaded on first use by a device op; integer data (shapes, axes, indices) always stays on the
/// host, where the shape arithmetic of exported graphs (Shape -> Gather -> Concat -> Reshape) is
/// done without a device round trip.
/// </summary>
public sealed class OnnxValue
{
    private Tensor? _device;
    private readonly float[]? _floats;

    private OnnxValue(int[] shape, Tensor? device, float[]? floats, long[]? integers, bool persistent)
    {
        Shape = shape;
        _device = device;
        _floats = floats;
        Integers = integers;
        Persistent = persistent;
    }

    public int[] Shape { get; }

    /// <summary>Integer (or boolean) values, on the host; null for float data.</summary>
    public long[]? Integers { get; }

    public bool IsInteger => Integers is not null;

    /// <summary>Belongs to the interpreter (an initializer): uploaded once and kept across runs, never freed early.</summary>
    public bool Persistent { get; }

    /// <summary>The device tensor, when the value has been computed or uploaded there.</summary>
    public Tensor? DeviceTensor => _device;

    public static OnnxValue OnDevice(Tensor t) => new(t.Shape, t, null, null, false);

    public static OnnxValue HostFloats(float[] values, int[] shape, bool persistent = false) => new(shape, null, values, null, persistent);

    public static OnnxValue HostIntegers(long[] values, int[] shape) => new(shape, null, null, values, false);

    public static OnnxValue FromConstant(OnnxTensor t, bool persistent)
    {
        var shape = t.Dims.Select(d => checked((int)d)).ToArray();
        if (t.Integers is { } ints) return new(shape, null, null, ints, persistent);
        if (t.Floats is { } floats) return new(shape, null, floats, null, persistent);
        throw new OnnxException($"onnx: constant '{t.Name}' of type {t.DataType} is not supported (float and integer tensors only)");
    }

    /// <summary>The value as a float tensor on <paramref name="backend"/>, uploading host floats the first time.</summary>
    public Tensor AsTensor(IBackend backend, Func<string> describe)
    {
        if (_device is not null) return _device;
        if (_floats is null) throw new OnnxException($"{describe()}: integer data where float data is needed");
        // Outside any scope: the upload may happen inside one node's scope but is read by later
        // nodes; the interpreter frees it (Release) after its last reader, or at Dispose.
        using (TensorScope.Suspend()) _device = Tensor.FromArray(_floats, Shape, backend);
        return _device;
    }

    /// <summary>The float values on the host (downloaded if they only live on the device).</summary>
    public float[] HostFloatValues() => _floats ?? _device?.ToArray() ?? Integers!.Select(v => (float)v).ToArray();

    /// <summary>Frees the device copy of a value made during a run, once nothing reads it any more.</summary>
    public void Release()
    {
        if (!Persistent) _device?.Dispose();
    }

    /// <summary>Frees an initializer's device copy when the interpreter is disposed.</summary>
    public void ReleasePersistent()
    {
        _device?.Dispose();
        _device = null;
    }
}
