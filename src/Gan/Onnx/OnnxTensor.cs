namespace KernelGan.Gan.Onnx;

/// <summary>
/// A constant tensor (TensorProto): an initializer, a Constant's value or a tensor attribute.
/// Values live in one of two arrays by kind: floating types in <see cref="Floats"/>, integer
/// and boolean types in <see cref="Integers"/> (what shapes, axes and indices need). Row-major.
/// </summary>
public sealed record OnnxTensor(string Name, OnnxDataType DataType, long[] Dims, float[]? Floats, long[]? Integers)
{
    public long Count => Dims.Aggregate(1L, (a, d) => a * d);

    public static OnnxTensor FromFloats(string name, float[] values, params long[] dims) => new(name, OnnxDataType.Float, dims, values, null);

    public static OnnxTensor FromInt64s(string name, long[] values, params long[] dims) => new(name, OnnxDataType.Int64, dims, null, values);

    /// <summary>A 1-D int64 tensor: the form ONNX wants for shapes, axes, starts and ends.</summary>
    public static OnnxTensor Vector(string name, params long[] values) => FromInt64s(name, values, values.Length);

    public static bool IsFloating(OnnxDataType t) => t is OnnxDataType.Float or OnnxDataType.Double or OnnxDataType.Float16;

    public static bool IsInteger(OnnxDataType t) => t is OnnxDataType.Int64 or OnnxDataType.Int32 or OnnxDataType.Int16 or OnnxDataType.Int8
        or OnnxDataType.Uint8 or OnnxDataType.Uint16 or OnnxDataType.Uint32 or OnnxDataType.Uint64 or OnnxDataType.Bool;
}
