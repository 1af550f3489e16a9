namespace KernelGan;

public static partial class Ops
{
    /// <summary>Alpha compositing y = m*fg + (1-m)*bg; m [N,1,H,W], fg and bg [N,C,H,W].</summary>
    public static Tensor Composite(Tensor mask, Tensor fg, Tensor bg)
    {
        var backend = SameBackend("composite", fg, bg);
        SameBackend("composite", mask, fg);
        RequireRank("composite", fg, 4, "foreground");
        if (!Shape.Equal(fg.Shape, bg.Shape))
            throw new ShapeException($"composite: foreground {F(fg.Shape)} and background {F(bg.Shape)} differ");
        int n = fg.Shape[0], c = fg.Shape[1], hw = fg.Shape[2] * fg.Shape[3];
        if (mask.Rank != 4 || mask.Shape[0] != n || mask.Shape[1] != 1 || mask.Shape[2] != fg.Shape[2] || mask.Shape[3] != fg.Shape[3])
            throw new ShapeException($"composite: mask {F(mask.Shape)} must be [{n},1,{fg.Shape[2]},{fg.Shape[3]}]");
        var y = Tensor.Empty(fg.Shape, backend);
        backend.Composite(mask.Buffer, fg.Buffer, bg.Buffer, y.Buffer, n, c, hw);
        return Tensor.Record("composite", y, [mask, fg, bg], gy =>
        {
            var gm = mask.RequiresGrad ? Tensor.Empty(mask.Shape, backend) : null;
            var gf = fg.RequiresGrad ? Tensor.Empty(fg.Shape, backend) : null;
            var gb = bg.RequiresGrad ? Tensor.Empty(bg.Shape, backend) : null;
            backend.CompositeBackward(mask.Buffer, fg.Buffer, bg.Buffer, gy.Buffer, gm?.Buffer, gf?.Buffer, gb?.Buffer, n, c, hw);
            return [gm, gf, gb];
        });
    }

    /// <summary>
    /// Composites layers over a background in order, each over the result so far:
    /// x = bg; for k: x = m_k*f_k + (1-m_k)*x. Layer k is (mask [N,1,H,W], appearance [N,C,H,W]).
    /// </summary>
    public static Tensor CompositeLayers(Tensor background, IReadOnlyList<(Tensor Mask, Tensor Appearance)> layers)
    {
        var x = background;
        foreach (var (mask, appearance) in layers) x = Composite(mask, appearance, x);
        return x;
    }

    /// <summary>
    /// The CLUB/Laplace statistic: per-row mean |x[perm[i]] - y[i]| over rows of [N, ...] tensors
    /// (perm null = matched pairs). Returns [N].
    /// </summary>
    public static Tensor RowL1Distance(Tensor x, Tensor y, int[]? perm = null)
    {
        var backend = SameBackend("row-l1", x, y);
        if (!Shape.Equal(x.Shape, y.Shape) || x.Rank < 1)
            throw new ShapeException($"row-l1: shapes {F(x.Shape)} and {F(y.Shape)} must match");
        int n = x.Shape[0], d = x.Count / Math.Max(1, n);
        if (perm is not null)
        {
            if (perm.Length != n) throw new ShapeException($"row-l1: permutation of {perm.Length} for {n} rows");
            var seen = new bool[n];
            foreach (int p in perm)
                if ((uint)p >= (uint)n || seen[p]) throw new ShapeException("row-l1: perm is not a permutation");
                else seen[p] = true;
        }
        var idx = perm is null ? null : backend.UploadIndices(perm);
        if (idx is not null) TensorScope.Track(idx);
        var output = Tensor.Empty([n], backend);
        backend.RowL1Distance(x.Buffer, y.Buffer, idx, output.Buffer, n, d);
        return Tensor.Record("row-l1", output, [x, y], g =>
        {
            var gx = x.RequiresGrad ? Tensor.Empty(x.Shape, backend) : null;
            var gy = y.RequiresGrad ? Tensor.Empty(y.Shape, backend) : null;
            backend.RowL1DistanceBackward(x.Buffer, y.Buffer, idx, g.Buffer, gx?.Buffer, gy?.Buffer, n, d);
            return [gx, gy];
        });
    }
}
