namespace KernelGan.Gan.Onnx;

/// <summary>AttributeProto.AttributeType values we meet (the numbers are onnx.proto's).</summary>
public enum OnnxAttributeType { Undefined = 0, Float = 1, Int = 2, String = 3, Tensor = 4, Graph = 5, Floats = 6, Ints = 7, Strings = 8 }

/// <summary>A node attribute (AttributeProto): one value of the kind <see cref="Type"/> names.</summary>
public sealed record OnnxAttribute(string Name, OnnxAttributeType Type)
{
    public float F { get; init; }
    public long I { get; init; }
    public string S { get; init; } = "";
    public OnnxTensor? T { get; init; }
    public float[] Floats { get; init; } = [];
    public long[] Ints { get; init; } = [];
    public string[] Strings { get; init; } = [];

    public static OnnxAttribute Int(string name, long value) => new(name, OnnxAttributeType.Int) { I = value };
    public static OnnxAttribute Float(string name, float value) => new(name, OnnxAttributeType.Float) { F = value };
    public static OnnxAttribute String(string name, string value) => new(name, OnnxAttributeType.String) { S = value };
    public static OnnxAttribute IntList(string name, params long[] values) => new(name, OnnxAttributeType.Ints) { Ints = values };
    public static OnnxAttribute Tensor(string name, OnnxTensor value) => new(name, OnnxAttributeType.Tensor) { T = value };
}
