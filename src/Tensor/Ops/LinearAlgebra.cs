namespace KernelGan;

public static partial class Ops
{
    /// <summary>op(a) @ op(b) for 2-D a, b, where op transposes when asked.</summary>
    public static Tensor MatMul(Tensor a, Tensor b, bool transA = false, bool transB = false)
    {
        var backend = SameBackend("matmul", a, b);
        RequireRank("matmul", a, 2, "a");
        RequireRank("matmul", b, 2, "b");
        int m = transA ? a.Shape[1] : a.Shape[0], k = transA ? a.Shape[0] : a.Shape[1];
        int kb = transB ? b.Shape[1] : b.Shape[0], n = transB ? b.Shape[0] : b.Shape[1];
        if (k != kb)
            throw new ShapeException($"matmul: inner dims differ: {F(a.Shape)}{(transA ? "^T" : "")} @ {F(b.Shape)}{(transB ? "^T" : "")}");
        var c = Tensor.Empty([m, n], backend);
        backend.Gemm(transA, transB, m, n, k, 1f, a.Buffer, 0, a.Shape[1], 0, b.Buffer, 0, b.Shape[1], 0, 0f, c.Buffer, 0, n, 0);
        return Tensor.Record("matmul", c, [a, b], gc =>
        {
            Tensor? ga = null, gb = null;
            if (a.RequiresGrad)
            {
                ga = Tensor.Empty(a.Shape, backend);
                if (!transA) // dA = dC op(B)^T
                    backend.Gemm(false, !transB, m, k, n, 1f, gc.Buffer, 0, n, 0, b.Buffer, 0, b.Shape[1], 0, 0f, ga.Buffer, 0, k, 0);
                else // dA = op(B) dC^T
                    backend.Gemm(transB, true, k, m, n, 1f, b.Buffer, 0, b.Shape[1], 0, gc.Buffer, 0, n, 0, 0f, ga.Buffer, 0, m, 0);
            }
            if (b.RequiresGrad)
            {
                gb = Tensor.Empty(b.Shape, backend);
                if (!transB) // dB = op(A)^T dC
                    backend.Gemm(!transA, false, k, n, m, 1f, a.Buffer, 0, a.Shape[1], 0, gc.Buffer, 0, n, 0, 0f, gb.Buffer, 0, n, 0);
                else // dB = dC^T op(A)
                    backend.Gemm(true, transA, n, k, m, 1f, gc.Buffer, 0, n, 0, a.Buffer, 0, a.Shape[1], 0, 0f, gb.Buffer, 0, k, 0);
            }
            return [ga, gb];
        });
    }

    /// <summary>PyTorch's linear layer: x [N, in] @ w[out, in]^T + bias [out].</summary>
    public static Tensor Linear(Tensor x, Tensor w, Tensor? bias = null)
    {
        RequireRank("linear", w, 2, "weight");
        if (x.Rank != 2 || x.Shape[1] != w.Shape[1])
            throw new ShapeException($"linear: input {F(x.Shape)} does not fit weight {F(w.Shape)} (expected [N,{w.Shape[1]}])");
        var y = MatMul(x, w, transB: true);
        if (bias is null) return y;
        if (bias.Rank != 1 || bias.Shape[0] != w.Shape[0])
            throw new ShapeException($"linear: bias {F(bias.Shape)} does not fit weight {F(w.Shape)}");
        return Add(y, bias);
    }
}
