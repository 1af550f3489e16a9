using KernelGan.Kernels;

namespace KernelGan.Gan.Onnx.Interpreter;

/// <summary>What an op implementation sees of one node: its inputs, attributes, the backend and the opset.</summary>
public sealed class OpContext(OnnxNode node, OnnxValue?[] inputs, IBackend backend, long opset)
{
    public OnnxNode Node => node;
    public IBackend Backend => backend;

    /// <summary>The default domain's opset version, for ops whose attributes moved to inputs between versions.</summary>
    public long Opset => opset;

    public int InputCount => inputs.Length;

    /// <summary>Whether optional input <paramref name="i"/> was given (ONNX marks an omitted one with an empty name).</summary>
    public bool Has(int i) => i < inputs.Length && inputs[i] is not null;

    public OnnxValue Input(int i) => Has(i) ? inputs[i]! : throw Error($"input {i} is missing");

    public Tensor Tensor(int i) => Input(i).AsTensor(backend, Describe);

    /// <summary>A host integer input (shape, axes, pads): the form exported graphs give such inputs.</summary>
    public long[] Integers(int i) => Input(i).Integers ?? throw Error($"input {i} must be an integer tensor known before the run (a constant or computed from shapes)");

    public float[] HostFloats(int i) => Input(i).HostFloatValues();

    public long Int(string name, long fallback) => node.Attribute(name) is { } a ? a.I : fallback;

    public float Float(string name, float fallback) => node.Attribute(name) is { } a ? a.F : fallback;

    public string String(string name, string fallback) => node.Attribute(name) is { } a ? a.S : fallback;

    public long[]? Ints(string name) => node.Attribute(name)?.Ints;

    public string Describe() => $"onnx: {node.Describe()}";

    public OnnxException Error(string what) => new($"{Describe()}: {what}");

    /// <summary>Fails unless the attribute is absent or has the one value this interpreter implements.</summary>
    public void Require(string name, long supported, string meaning)
    {
        if (node.Attribute(name) is { } a && a.I != supported) throw Error($"{name}={a.I} is not supported ({meaning})");
    }

    /// <summary>An axis attribute or input made non-negative.</summary>
    public int Axis(long axis, int rank)
    {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw Error($"axis {axis} is outside rank {rank}");
        return (int)a;
    }
}
