namespace KernelGan.Nn;

/// <summary>
/// Spectral normalization (Miyato et al. 2018): W / sigma(W), with sigma estimated by one power
/// iteration per training forward on W viewed as [rows, rest]. u and v are updated without
/// gradient; sigma = u^T W v keeps its gradient through W, as in PyTorch.
/// </summary>
public sealed class SpectralNorm : Module
{
    private readonly int _rows, _cols;

    public SpectralNorm(Rng rng, Tensor weight, float eps = 1e-12f)
    {
        _rows = weight.Shape[0];
        _cols = weight.Count / _rows;
        Eps = eps;
        using (TensorScope.Suspend())
        {
            U = AddBuffer("u", Normalized(rng.Normal([_rows, 1], backend: weight.Backend)));
            V = AddBuffer("v", Normalized(rng.Normal([_cols, 1], backend: weight.Backend)));
        }
    }

    public float Eps { get; }
    public Tensor U { get; }
    public Tensor V { get; }

    public Tensor Normalize(Tensor weight, bool training)
    {
        using var w2 = Ops.Reshape(weight.Detach(), _rows, _cols);
        if (training)
        {
            using (Tensor.NoGrad())
            {
                // v = W^T u / |W^T u|, u = W v / |W v|
                using var wtu = Ops.MatMul(w2, U, transA: true);
                using var v = Normalized(wtu);
                V.CopyFrom(v);
                using var wv = Ops.MatMul(w2, V);
                using var u = Normalized(wv);
                U.CopyFrom(u);
            }
        }
        var matrix = Ops.Reshape(weight, _rows, _cols);
        var wv2 = Ops.MatMul(matrix, V);
        var sigma = Ops.MatMul(U, wv2, transA: true); // [1, 1]
        return Ops.Div(weight, Ops.Reshape(sigma, Enumerable.Repeat(1, weight.Rank).ToArray()));
    }

    private Tensor Normalized(Tensor x)
    {
        using (Tensor.NoGrad())
        {
            using var norm = Ops.Sqrt(Ops.Affine(Ops.Sum(Ops.Square(x)), 1f, Eps));
            return Ops.Div(x, norm);
        }
    }
}
