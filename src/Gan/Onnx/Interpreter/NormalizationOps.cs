namespace KernelGan.Gan.Onnx.Interpreter;

/// <summary>Inference-mode batch norm, softmax and mean reductions.</summary>
public static class NormalizationOps
{
    /// <summary>y = (x - mean) / sqrt(var + eps) * scale + bias with the stored statistics (training_mode = 0).</summary>
    public static OnnxValue[] BatchNormalization(OpContext c)
    {
        c.Require("training_mode", 0, "training-mode batch norm");
        if (c.Node.Outputs.Skip(1).Any(o => o.Length > 0)) throw c.Error("the running-statistics outputs (training mode) are not supported");
        var y = Ops.BatchNorm(c.Tensor(0), c.Tensor(1), c.Tensor(2), c.Tensor(3), c.Tensor(4), training: false, eps: c.Float("epsilon", 1e-5f));
        return [OnnxValue.OnDevice(y)];
    }

    /// <summary>exp(x - logsumexp(x)) along the axis (opset 13+: one axis, default -1; before: the axes from 'axis' on, default 1, flattened).</summary>
    public static OnnxValue[] Softmax(OpContext c)
    {
        var x = c.Tensor(0);
        if (c.Opset >= 13)
        {
            int axis = c.Axis(c.Int("axis", -1), x.Rank);
            return [OnnxValue.OnDevice(Ops.Exp(Ops.Sub(x, Ops.LogSumExp(x, axis, keepDims: true))))];
        }
        int from = c.Axis(c.Int("axis", 1), x.Rank);
        var flat = Ops.Reshape(x, Shape.Count(x.Shape.AsSpan(0, from)), Shape.Count(x.Shape.AsSpan(from)));
        var soft = Ops.Exp(Ops.Sub(flat, Ops.LogSumExp(flat, 1, keepDims: true)));
        return [OnnxValue.OnDevice(Ops.Reshape(soft, x.Shape))];
    }

    /// <summary>ReduceMean over the given axes (attribute before opset 18, input from 18; none = all).</summary>
    public static OnnxValue[] ReduceMean(OpContext c)
    {
        var x = c.Tensor(0);
        var given = c.Has(1) ? c.Integers(1) : c.Ints("axes");
        if ((given is null || given.Length == 0) && c.Int("noop_with_empty_axes", 0) != 0) return ElementwiseOps.Identity(c);
        var axes = given is null || given.Length == 0 ? Enumerable.Range(0, x.Rank).ToArray() : given.Select(a => c.Axis(a, x.Rank)).Distinct().Order().ToArray();
        return [OnnxValue.OnDevice(Ops.Mean(x, axes, keepDims: c.Int("keepdims", 1) != 0))];
    }
}
