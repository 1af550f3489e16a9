using KernelGan.Gan.Metrics;
using KernelGan.Gan.Onnx.Interpreter;
using KernelGan.Kernels;

namespace KernelGan.Gan.Onnx;

/// <summary>
/// A feature network given as an ONNX file (for FID/KID the standard is Inception-v3's 2048-d
/// pool features, which users convert to ONNX and bring: nothing here downloads weights), run by
/// our interpreter on our backend. The graph takes one image input [N, 3, S, S]; S is read from
/// it. The features are one output (the first, unless named), flattened per image.
/// </summary>
public sealed class OnnxFeatureNetwork : IFeatureNetwork
{
    private readonly OnnxInterpreter _interpreter;
    private readonly IBackend _backend;
    private readonly string _input, _output;
    private readonly FeatureInputRange _range;
    private readonly int _batch;

    private OnnxFeatureNetwork(OnnxInterpreter interpreter, IBackend backend, string input, string output, int size, FeatureInputRange range, int batch)
    {
        _interpreter = interpreter;
        _backend = backend;
        _input = input;
        _output = output;
        _range = range;
        _batch = batch;
        InputSize = size;
        // One probe image gives the feature length (output shapes are often left symbolic) and
        // makes a graph that cannot run on such an input fail here, at load, not mid-evaluation.
        FeatureCount = RunBatch(new float[3 * size * size], 1).Length;
    }

    /// <param name="range">The range the network expects (default [0, 1], see <see cref="FeatureInputRange"/>).</param>
    /// <param name="output">The output holding the features; null: the graph's first output.</param>
    /// <param name="inputSize">The image side, for graphs whose input leaves it symbolic.</param>
    /// <param name="batch">Images per interpreter run (bounds device memory).</param>
    public static OnnxFeatureNetwork Load(string path, IBackend backend, FeatureInputRange range = FeatureInputRange.ZeroOne,
                                          string? output = null, int? inputSize = null, int batch = 16)
    {
        var interpreter = OnnxInterpreter.Load(path, backend);
        try
        {
            if (interpreter.Inputs.Count != 1)
                throw new OnnxException($"{path}: a feature network takes one image input, this graph has {interpreter.Inputs.Count} ({string.Join(", ", interpreter.Inputs.Select(i => i.Name))})");
            var input = interpreter.Inputs[0];
            var dims = input.Shape;
            if (dims is { Count: not 4 } || dims?[1].Value is long c && c != 3)
                throw new OnnxException($"{path}: input '{input.Name}' is [{string.Join(",", dims!)}]; a feature network takes RGB images [N,3,S,S]");
            long? h = dims?[2].Value, w = dims?[3].Value;
            int size = inputSize ?? (h is long hh && hh == w ? (int)hh
                : throw new OnnxException($"{path}: input '{input.Name}' is [{string.Join(",", dims ?? [])}], not a fixed square size; give the input size"));
            string outputName = output ?? interpreter.Outputs.FirstOrDefault()?.Name ?? throw new OnnxException($"{path}: the graph has no output");
            if (interpreter.Outputs.All(o => o.Name != outputName))
                throw new OnnxException($"{path}: no output '{outputName}' (outputs: {string.Join(", ", interpreter.Outputs.Select(o => o.Name))})");
            return new OnnxFeatureNetwork(interpreter, backend, input.Name, outputName, size, range, Math.Max(1, batch));
        }
        catch
        {
            interpreter.Dispose();
            throw;
        }
    }

    public int InputSize { get; }

    public int FeatureCount { get; }

    public float[] Features(ReadOnlySpan<float> images, int n)
    {
        int length = 3 * InputSize * InputSize;
        if (images.Length < n * length)
            throw new ArgumentException($"{n} images of 3x{InputSize}x{InputSize} need {n * length} values, got {images.Length}", nameof(images));
        var features = new float[n * FeatureCount];
        for (int start = 0; start < n; start += _batch)
        {
            int count = Math.Min(_batch, n - start);
            var chunk = RunBatch(images.Slice(start * length, count * length).ToArray(), count);
            if (chunk.Length != count * FeatureCount)
                throw new OnnxException($"onnx: output '{_output}' gave {chunk.Length} values for {count} images; expected {FeatureCount} per image");
            chunk.CopyTo(features, start * FeatureCount);
        }
        return features;
    }

    private float[] RunBatch(float[] images, int n)
    {
        FeatureInputRanges.Apply(_range, images, InputSize * InputSize);
        using var scope = new TensorScope();
        var x = Tensor.FromArray(images, [n, 3, InputSize, InputSize], _backend);
        return _interpreter.Run(new Dictionary<string, Tensor> { [_input] = x })[_output].ToArray();
    }

    public void Dispose() => _interpreter.Dispose();
}
