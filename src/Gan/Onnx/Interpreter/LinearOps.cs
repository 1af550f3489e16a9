namespace KernelGan.Gan.Onnx.Interpreter;

/// <summary>Gemm and MatMul on the backend's GEMM (Ops.MatMul).</summary>
public static class LinearOps
{
    /// <summary>Y = alpha * op(A) op(B) + beta * C, C broadcast (a classifier's bias).</summary>
    public static OnnxValue[] Gemm(OpContext c)
    {
        var a = c.Tensor(0);
        var b = c.Tensor(1);
        if (a.Rank != 2 || b.Rank != 2) throw c.Error($"inputs must be matrices, got {Shape.Format(a.Shape)} and {Shape.Format(b.Shape)}");
        float alpha = c.Float("alpha", 1f), beta = c.Float("beta", 1f);
        var y = Ops.MatMul(a, b, transA: c.Int("transA", 0) != 0, transB: c.Int("transB", 0) != 0);
        if (alpha != 1f) y = Ops.Affine(y, alpha, 0f);
        if (c.Has(2) && beta != 0f)
        {
            var bias = c.Tensor(2);
            y = Ops.Add(y, beta == 1f ? bias : Ops.Affine(bias, beta, 0f));
        }
        return [OnnxValue.OnDevice(y)];
    }

    /// <summary>numpy matmul for the forms feature networks use: [..., k] x [k, n] (leading axes folded into rows), and 2-D x 2-D.</summary>
    public static OnnxValue[] MatMul(OpContext c)
    {
        var a = c.Tensor(0);
        var b = c.Tensor(1);
        if (b.Rank != 2 || a.Rank < 2) throw c.Error($"only [..., k] x [k, n] is supported, got {Shape.Format(a.Shape)} x {Shape.Format(b.Shape)}");
        int k = a.Shape[^1];
        var rows = Ops.Reshape(a, a.Count / Math.Max(1, k), k);
        var y = Ops.MatMul(rows, b);
        return [OnnxValue.OnDevice(Ops.Reshape(y, [.. a.Shape[..^1], b.Shape[1]]))];
    }
}
