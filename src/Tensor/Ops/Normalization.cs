namespace KernelGan;

public static partial class Ops
{
    /// <summary>
    /// Batch norm over the channel axis of x [N, C, ...]. Training mode normalizes with the batch's
    /// statistics and updates the running ones in place; eval mode uses the running statistics.
    /// </summary>
    public static Tensor BatchNorm(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                   bool training, float momentum = 0.1f, float eps = 1e-5f)
    {
        if (x.Rank < 2) throw new ShapeException($"batch-norm: input {F(x.Shape)} needs at least [N, C]");
        int n = x.Shape[0], c = x.Shape[1], hw = x.Count / Math.Max(1, n * c);
        foreach (var (t, what) in new[] { (gamma, "gamma"), (beta, "beta"), (runningMean, "running mean"), (runningVar, "running var") })
            if (t.Rank != 1 || t.Shape[0] != c)
                throw new ShapeException($"batch-norm: {what} {F(t.Shape)} must be [{c}] for input {F(x.Shape)}");
        var backend = x.Backend;
        var y = Tensor.Empty(x.Shape, backend);
        if (!training)
        {
            backend.BatchNormForwardEval(x.Buffer, gamma.Buffer, beta.Buffer, runningMean.Buffer, runningVar.Buffer, y.Buffer, n, c, hw, eps);
            return Tensor.Record("batch-norm(eval)", y, [x, gamma, beta], gy =>
            {
                // Eval mode is a fixed per-channel affine map: y = (x - rm) / std * gamma + beta.
                var cs = ChannelShape(x);
                using var std = Sqrt(Affine(runningVar, 1f, eps));
                using var std4 = std.Alias(cs);
                using var gamma4 = gamma.Alias(cs);
                using var mean4 = runningMean.Alias(cs);
                using var scale4 = Div(gamma4, std4);
                Tensor? gx = x.RequiresGrad ? Mul(gy, scale4) : null;
                Tensor? gg = null, gb = null;
                if (gamma.RequiresGrad)
                {
                    using var centered = Sub(x, mean4);
                    using var xhat = Div(centered, std4);
                    using var prod = Mul(gy, xhat);
                    gg = Reshaped(SumTo(prod, cs, alwaysCopy: true), [c]);
                }
                if (beta.RequiresGrad) gb = Reshaped(SumTo(gy, cs, alwaysCopy: true), [c]);
                return [gx, gg, gb];
            });
        }
        if (n * hw < 2) throw new ShapeException($"batch-norm: training needs more than one value per channel, got input {F(x.Shape)}");
        var mean = Tensor.Empty([c], backend);
        var invStd = Tensor.Empty([c], backend);
        backend.BatchNormForwardTrain(x.Buffer, gamma.Buffer, beta.Buffer, y.Buffer, mean.Buffer, invStd.Buffer,
                                      runningMean.Buffer, runningVar.Buffer, n, c, hw, eps, momentum);
        return Tensor.Record("batch-norm", y, [x, gamma, beta], gy =>
        {
            var gx = Tensor.Empty(x.Shape, backend);
            var gg = Tensor.Empty([c], backend);
            var gb = Tensor.Empty([c], backend);
            backend.BatchNormBackward(x.Buffer, gy.Buffer, gamma.Buffer, mean.Buffer, invStd.Buffer, gx.Buffer, gg.Buffer, gb.Buffer, n, c, hw);
            return [gx, gg, gb];
        });
    }

    /// <summary>[1, C, 1, ...] matching x's rank, for broadcasting per-channel values.</summary>
    private static int[] ChannelShape(Tensor x)
    {
        var s = new int[x.Rank];
        Array.Fill(s, 1);
        s[1] = x.Shape[1];
        return s;
    }
}
