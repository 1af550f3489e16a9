namespace KernelGan.Gan.Onnx.Export;

/// <summary>
/// Accumulates an ONNX graph as the exporters walk a model: nodes in the order they run (ONNX
/// wants topological order, and a forward pass is one), constant tensors, and unique names.
/// Each node's output is named by the caller, so graph outputs are simply the last nodes' names.
/// </summary>
public sealed class OnnxGraphBuilder
{
    /// <summary>The default opset our exports use: 17 (ONNX 1.12, 2022), read by every recent OnnxRuntime.</summary>
    public const long Opset = 17;

    private readonly List<OnnxNode> _nodes = new();
    private readonly List<OnnxTensor> _initializers = new();
    private readonly HashSet<string> _names = new();

    /// <summary>A float initializer holding a tensor's current values (downloaded from its device).</summary>
    public string Weight(string name, Tensor t) => Floats(name, t.ToArray(), t.Shape.Select(d => (long)d).ToArray());

    public string Floats(string name, float[] values, params long[] dims)
    {
        _initializers.Add(OnnxTensor.FromFloats(Claim(name), values, dims));
        return name;
    }

    /// <summary>A 0-d float constant (broadcasts against anything).</summary>
    public string Scalar(string name, float value) => Floats(name, [value]);

    /// <summary>A 1-D int64 constant: shapes, axes, slice bounds.</summary>
    public string Int64s(string name, params long[] values)
    {
        _initializers.Add(OnnxTensor.Vector(Claim(name), values));
        return name;
    }

    /// <summary>Adds a node with one output named <paramref name="output"/>; returns that name.</summary>
    public string Node(string op, string output, string[] inputs, params OnnxAttribute[] attributes)
    {
        _nodes.Add(new OnnxNode(op, output, inputs, [Claim(output)], attributes));
        return output;
    }

    /// <summary>Adds a node with several outputs, named <c>{prefix}_0</c>, <c>{prefix}_1</c>, ...</summary>
    public string[] Node(string op, string prefix, int outputs, string[] inputs, params OnnxAttribute[] attributes)
    {
        var names = Enumerable.Range(0, outputs).Select(i => Claim($"{prefix}_{i}")).ToArray();
        _nodes.Add(new OnnxNode(op, prefix, inputs, names, attributes));
        return names;
    }

    public OnnxGraph Build(string name, IReadOnlyList<OnnxValueInfo> inputs, IReadOnlyList<OnnxValueInfo> outputs)
    {
        foreach (var o in outputs)
            if (!_names.Contains(o.Name)) throw new InvalidOperationException($"onnx export: no node produces the graph output '{o.Name}'");
        return new OnnxGraph(name, _nodes.ToList(), _initializers.ToList(), inputs, outputs);
    }

    public static OnnxModel Model(OnnxGraph graph, string doc, IReadOnlyList<KeyValuePair<string, string>> metadata) =>
        new(graph, [new OnnxOpset("", Opset)]) { DocString = doc, Metadata = metadata, ProducerVersion = typeof(OnnxGraphBuilder).Assembly.GetName().Version?.ToString() ?? "" };

    private string Claim(string name)
    {
        // A clash is an exporter bug (two layers given one name), not a user error.
        if (!_names.Add(name)) throw new InvalidOperationException($"onnx export: the name '{name}' is used twice");
        return name;
    }
}
