using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace KernelGan.Tests.Onnx;

/// <summary>
/// Runs an ONNX model with Microsoft's OnnxRuntime, the reference our exports and our interpreter
/// are checked against (a test-only dependency: the product never loads it). Single-threaded
/// and without graph rewrites beyond the basic ones, so results do not depend on the machine's load.
/// </summary>
public static class OnnxRuntimeReference
{
    public sealed record Input(string Name, int[] Shape, float[]? Floats = null, byte[]? Bytes = null);

    public static Dictionary<string, float[]> Run(byte[] model, params Input[] inputs)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC };
        using var session = new InferenceSession(model, options);
        var values = inputs.Select(i => i.Bytes is not null
            ? NamedOnnxValue.CreateFromTensor(i.Name, new DenseTensor<byte>(i.Bytes, i.Shape))
            : NamedOnnxValue.CreateFromTensor(i.Name, new DenseTensor<float>(i.Floats!, i.Shape))).ToList();
        using var results = session.Run(values);
        return results.ToDictionary(r => r.Name, r => r.AsEnumerable<float>().ToArray());
    }

    public static float MaxAbsDifference(float[] a, float[] b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"lengths differ: {a.Length} and {b.Length}");
        float worst = 0;
        for (int i = 0; i < a.Length; i++)
        {
            float d = MathF.Abs(a[i] - b[i]);
            if (float.IsNaN(d)) return float.NaN;
            worst = MathF.Max(worst, d);
        }
        return worst;
    }
}
