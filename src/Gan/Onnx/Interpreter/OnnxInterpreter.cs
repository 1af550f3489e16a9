using KernelGan.Kernels;

namespace KernelGan.Gan.Onnx.Interpreter;

/// <summary>
/// Runs an ONNX graph on one of our backends (CPU SIMD or ILGPU), inference only: no
/// OnnxRuntime, no native library. Every node's op is looked up when the model is loaded, so an
/// unsupported op fails there, naming itself. Initializers are uploaded once, on first use, and
/// kept; every other device tensor is freed as soon as the last node that reads it has run (and
/// each node's temporaries when it ends), so memory follows the widest point of the graph.
/// </summary>
public sealed class OnnxInterpreter : IDisposable
{
    private readonly OnnxGraph _graph;
    private readonly IBackend _backend;
    private readonly long _opset;
    private readonly OpKernel[] _kernels;
    private readonly Dictionary<string, OnnxValue> _initializers = new();
    private readonly Dictionary<string, int> _lastUse = new();

    public OnnxInterpreter(OnnxModel model, IBackend backend)
    {
        _graph = model.Graph;
        _backend = backend;
        _opset = model.DefaultOpset;
        _kernels = _graph.Nodes.Select(OpRegistry.Find).ToArray();
        foreach (var t in _graph.Initializers) _initializers[t.Name] = OnnxValue.FromConstant(t, persistent: true);
        for (int i = 0; i < _graph.Nodes.Count; i++)
            foreach (var name in _graph.Nodes[i].Inputs)
                if (name.Length > 0) _lastUse[name] = i;
        // Graph inputs that are also initializers (older exporters list weights as inputs) are not inputs to feed.
        Inputs = _graph.Inputs.Where(i => !_initializers.ContainsKey(i.Name)).ToList();
    }

    public static OnnxInterpreter Load(string path, IBackend backend)
    {
        var model = OnnxModelReader.ReadFile(path);
        try { return new OnnxInterpreter(model, backend); }
        catch (OnnxException e) { throw new OnnxException($"{path}: {e.Message}"); }
    }

    /// <summary>The inputs a caller feeds (initializers excluded).</summary>
    public IReadOnlyList<OnnxValueInfo> Inputs { get; }

    public IReadOnlyList<OnnxValueInfo> Outputs => _graph.Outputs;

    /// <summary>
    /// Runs the graph on device tensors named by input; returns the graph's outputs as tensors
    /// owned by the caller's current <see cref="TensorScope"/> (or by nobody outside one).
    /// </summary>
    public Dictionary<string, Tensor> Run(IReadOnlyDictionary<string, Tensor> feeds)
    {
        using var noGrad = Tensor.NoGrad();
        var values = new Dictionary<string, OnnxValue>(_initializers);
        foreach (var input in Inputs)
        {
            if (!feeds.TryGetValue(input.Name, out var t)) throw new OnnxException($"onnx: the input '{input.Name}' was not given");
            CheckShape(input, t.Shape);
            values[input.Name] = OnnxValue.OnDevice(t);
        }
        var fed = new HashSet<string>(feeds.Keys);
        var outputs = new HashSet<string>(_graph.Outputs.Select(o => o.Name));
        try
        {
            for (int i = 0; i < _graph.Nodes.Count; i++) RunNode(i, values, fed, outputs);
            var result = new Dictionary<string, Tensor>();
            foreach (var o in _graph.Outputs)
            {
                if (!values.TryGetValue(o.Name, out var v)) throw new OnnxException($"onnx: no node produces the graph output '{o.Name}'");
                // A constant output is uploaded into the caller's scope, like every other output.
                result[o.Name] = v.DeviceTensor is { } t && !v.Persistent ? t : Tensor.FromArray(v.HostFloatValues(), v.Shape, _backend);
            }
            return result;
        }
        finally
        {
            // After an error, or for values no node read: free what the run made (Dispose is idempotent).
            foreach (var (name, v) in values)
                if (!fed.Contains(name) && !outputs.Contains(name)) v.Release();
        }
    }

    private void RunNode(int i, Dictionary<string, OnnxValue> values, HashSet<string> fed, HashSet<string> outputs)
    {
        var node = _graph.Nodes[i];
        var inputs = node.Inputs.Select(name => name.Length == 0 ? null
            : values.TryGetValue(name, out var v) ? v : throw new OnnxException($"onnx: {node.Describe()} reads '{name}', which no earlier node produces")).ToArray();
        OnnxValue[] results;
        using (var scope = new TensorScope())
        {
            try { results = _kernels[i](new OpContext(node, inputs, _backend, _opset)); }
            catch (ShapeException e) { throw new OnnxException($"onnx: {node.Describe()}: {e.Message}"); }
            if (results.Length < node.Outputs.Count(o => o.Length > 0)) throw new OnnxException($"onnx: {node.Describe()} produced {results.Length} outputs for {node.Outputs.Count}");
            for (int k = 0; k < results.Length; k++)
            {
                var t = results[k].DeviceTensor;
                if (t is null) continue;
                // An output must own its tensor: one that is an input's would be freed with it.
                if (inputs.Any(v => ReferenceEquals(v?.DeviceTensor, t))) results[k] = OnnxValue.OnDevice(t = Ops.Reshape(t, t.Shape));
                scope.Keep(t);
            }
        }
        for (int k = 0; k < node.Outputs.Count; k++)
            if (node.Outputs[k].Length > 0) values[node.Outputs[k]] = results[k];
        // Values read for the last time by this node are freed now (not inputs the caller owns, nor outputs).
        foreach (var name in node.Inputs.Distinct())
            if (name.Length > 0 && _lastUse[name] == i && !fed.Contains(name) && !outputs.Contains(name)) values[name].Release();
    }

    /// <summary>Runs on host arrays and returns host arrays: for tests and one-off use.</summary>
    public Dictionary<string, float[]> Run(params (string Name, float[] Values, int[] Shape)[] feeds)
    {
        using var scope = new TensorScope();
        var tensors = feeds.ToDictionary(f => f.Name, f => Tensor.FromArray(f.Values, f.Shape, _backend));
        return Run(tensors).ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
    }

    private static void CheckShape(OnnxValueInfo input, int[] shape)
    {
        if (input.Shape is null) return;
        bool fits = input.Shape.Count == shape.Length;
        for (int d = 0; fits && d < shape.Length; d++) fits = input.Shape[d].Value is not long v || v == shape[d];
        if (!fits)
            throw new OnnxException($"onnx: input '{input.Name}' must be [{string.Join(",", input.Shape)}], got {Shape.Format(shape)}");
    }

    public void Dispose()
    {
        foreach (var v in _initializers.Values) v.ReleasePersistent();
    }
}
