namespace KernelGan.Gan.Onnx;

/// <summary>
/// The subset of onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto) we write and
/// read, as plain records: a model is one graph plus the operator sets it uses. Fields we do not
/// model (functions, training info, sparse tensors, subgraph attributes) are skipped when reading.
/// </summary>
public sealed record OnnxModel(OnnxGraph Graph, IReadOnlyList<OnnxOpset> Opsets)
{
    /// <summary>IR version 8 (ONNX 1.10+): every OnnxRuntime of the last years reads it, and it has all we use.</summary>
    public long IrVersion { get; init; } = 8;
    public string ProducerName { get; init; } = "kernelgan";
    public string ProducerVersion { get; init; } = "";
    public string DocString { get; init; } = "";

    /// <summary>metadata_props: free key/value notes (where the model came from, how it was frozen).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Metadata { get; init; } = [];

    /// <summary>The default domain's ("ai.onnx") opset version, which fixes each op's semantics.</summary>
    public long DefaultOpset => Opsets.FirstOrDefault(o => o.Domain is "" or "ai.onnx")?.Version
        ?? throw new OnnxException("onnx: the model imports no version of the default operator set (ai.onnx)");
}

/// <summary>An operator set import: domain ("" is the default ai.onnx) and version.</summary>
public sealed record OnnxOpset(string Domain, long Version);

/// <summary>A computation graph: nodes in topological order, constant tensors, and the named inputs and outputs.</summary>
public sealed record OnnxGraph(
    string Name,
    IReadOnlyList<OnnxNode> Nodes,
    IReadOnlyList<OnnxTensor> Initializers,
    IReadOnlyList<OnnxValueInfo> Inputs,
    IReadOnlyList<OnnxValueInfo> Outputs);

/// <summary>One op application. Empty input names stand for omitted optional inputs, as in ONNX.</summary>
public sealed record OnnxNode(
    string OpType,
    string Name,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Outputs,
    IReadOnlyList<OnnxAttribute> Attributes)
{
    public string Domain { get; init; } = "";

    public OnnxAttribute? Attribute(string name) => Attributes.FirstOrDefault(a => a.Name == name);

    /// <summary>How error messages name this node: its name, or its first output where it has none.</summary>
    public string Describe() => $"{OpType} node '{(Name.Length > 0 ? Name : Outputs.FirstOrDefault() ?? "?")}'";
}

/// <summary>A graph input or output: name, element type and shape (null where the file gives none).</summary>
public sealed record OnnxValueInfo(string Name, OnnxDataType ElementType, IReadOnlyList<OnnxDim>? Shape);

/// <summary>One dimension of a declared shape: a fixed size, or a symbolic name such as "N" for a free batch size.</summary>
public readonly record struct OnnxDim(long? Value, string? Param)
{
    public static OnnxDim Fixed(long value) => new(value, null);
    public static OnnxDim Symbolic(string name) => new(null, name);
    public override string ToString() => Value?.ToString() ?? Param ?? "?";
}

/// <summary>TensorProto.DataType values we meet (the numbers are onnx.proto's).</summary>
public enum OnnxDataType
{
    Undefined = 0, Float = 1, Uint8 = 2, Int8 = 3, Uint16 = 4, Int16 = 5, Int32 = 6, Int64 = 7,
    String = 8, Bool = 9, Float16 = 10, Double = 11, Uint32 = 12, Uint64 = 13,
}
