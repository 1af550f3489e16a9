namespace KernelGan.Kernels.Checks;

/// <summary>Batch norm in training mode (outputs and statistics), evaluation mode, and its gradients.</summary>
public sealed partial class BackendComparison
{
    private void CheckBatchNorm()
    {
        (int N, int C, int HW)[] shapes = Tiny
            ? [(2, 3, 10), (3, 5, 1), (2, 2, 40)]
            : [(32, 64, 256), (32, 256, 16), (128, 32, 1024)];
        foreach (var (n, c, hw) in shapes)
        {
            string name = $"[{n},{c},{hw}]";
            int count = n * c * hw;
            double tol = Tiny ? 2e-5 : 1e-4;
            // An offset mean makes the two-pass variance matter.
            var x = Uniform($"bn-x-{name}", count, 1.5f, 3.5f);
            var gamma = Uniform($"bn-g-{name}", c, 0.5f, 1.5f);
            var beta = Uniform($"bn-b-{name}", c);
            var runningMean = Uniform($"bn-rm-{name}", c);
            var runningVar = Uniform($"bn-rv-{name}", c, 0.5f, 2f);
            var gy = Uniform($"bn-gy-{name}", count);
            foreach (var variant in SliceVariants())
                Compare("BatchNormForwardTrain", $"{name} y, saved and running stats {variant}", tol, s =>
                {
                    var y = s.Out(count);
                    var mean = s.Out(c);
                    var invStd = s.Out(c);
                    var rm = s.Up(runningMean);
                    var rv = s.Up(runningVar);
                    s.B.BatchNormForwardTrain(s.Up(x), s.Up(gamma), s.Up(beta), y, mean, invStd, rm, rv, n, c, hw, 1e-5f, 0.1f);
                    return [s.Down(y), s.Down(mean), s.Down(invStd), s.Down(rm), s.Down(rv)];
                });
            Compare("BatchNormForwardEval", name, 1e-6, s =>
            {
                var y = s.Out(count);
                s.B.BatchNormForwardEval(s.Up(x), s.Up(gamma), s.Up(beta), s.Up(runningMean), s.Up(runningVar), y, n, c, hw, 1e-5f);
                return [s.Down(y)];
            });
            var (saveMean, saveInvStd) = ChannelStatistics(x, n, c, hw, 1e-5f);
            foreach (var variant in SliceVariants())
                // gx is pointwise given the sums; ggamma and gbeta are sums over n*hw terms.
                Compare("BatchNormBackward", $"{name} {variant}", o => o == 0 ? tol : Math.Max(tol, GemmTolerance((long)n * hw)), s =>
                {
                    var gx = s.Out(count);
                    var gg = s.Out(c);
                    var gb = s.Out(c);
                    s.B.BatchNormBackward(s.Up(x), s.Up(gy), s.Up(gamma), s.Up(saveMean), s.Up(saveInvStd), gx, gg, gb, n, c, hw);
                    return [s.Down(gx), s.Down(gg), s.Down(gb)];
                });
        }
    }

    /// <summary>Per-channel mean and 1/sqrt(var + eps) in double: the saved statistics BatchNormBackward consumes.</summary>
    private static (float[] Mean, float[] InvStd) ChannelStatistics(float[] x, int n, int c, int hw, float eps)
    {
        var mean = new float[c];
        var invStd = new float[c];
        for (int ch = 0; ch < c; ch++)
        {
            double sum = 0, sq = 0;
            for (int s = 0; s < n; s++)
                for (int p = 0; p < hw; p++) sum += x[(s * c + ch) * hw + p];
            double mu = sum / (n * hw);
            for (int s = 0; s < n; s++)
                for (int p = 0; p < hw; p++)
                {
                    double d = x[(s * c + ch) * hw + p] - mu;
                    sq += d * d;
                }
            mean[ch] = (float)mu;
            invStd[ch] = (float)(1 / Math.Sqrt(sq / (n * hw) + eps));
        }
        return (mean, invStd);
    }
}
