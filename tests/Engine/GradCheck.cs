using Xunit;

namespace KernelGan.Tests.Engine;

/// <summary>
/// Finite-difference gradient check: the loss is sum(f(inputs) * W) for a fixed random W, the
/// analytic gradient comes from Backward, the numeric one from central differences with the loss
/// summed in double on the host. Inputs must be leaves. Inputs listed in <c>frozen</c> do not
/// require a gradient (a discriminator's weights in the generator step): they must end with no
/// gradient and unchanged values, and every op in the graph is watched so that none computes a
/// gradient for an input that does not want one (see <see cref="BackwardWatch"/>).
/// </summary>
public static class GradCheck
{
    public static void Check(string what, Func<Tensor[], Tensor> f, Tensor[] inputs,
                             float eps = 1e-2f, double atol = 2e-3, double rtol = 2e-2, int maxPerInput = 400,
                             int[]? frozen = null)
    {
        var isFrozen = new bool[inputs.Length];
        foreach (int i in frozen ?? []) isFrozen[i] = true;
        for (int i = 0; i < inputs.Length; i++) { inputs[i].RequiresGrad = !isFrozen[i]; inputs[i].Grad = null; }
        if (frozen is { Length: > 0 }) what += $" (frozen: input {string.Join(", ", frozen)})";
        var frozenValues = inputs.Select((x, i) => isFrozen[i] ? x.ToArray() : null).ToArray();

        var output = f(inputs);
        var weights = new Rng(977).Uniform(output.Shape, -1f, 1f, output.Backend);
        var w = weights.ToArray();
        var loss = Ops.Sum(Ops.Mul(output, weights));
        var watch = BackwardWatch.Attach(loss);
        loss.Backward();
        Assert.True(watch.Unwanted.Count == 0, $"{what}: gradients computed for inputs that need none: {string.Join("; ", watch.Unwanted)}");

        var rng = new Random(5);
        for (int i = 0; i < inputs.Length; i++)
        {
            var x = inputs[i];
            if (isFrozen[i])
            {
                Assert.True(x.Grad is null, $"{what}: frozen input {i} received a gradient");
                Assert.True(frozenValues[i]!.SequenceEqual(x.ToArray()), $"{what}: frozen input {i} was written");
                continue;
            }
            Assert.True(x.Grad is not null, $"{what}: input {i} received no gradient");
            var analytic = x.Grad!.ToArray();
            var values = x.ToArray();
            var positions = Enumerable.Range(0, x.Count).ToList();
            if (positions.Count > maxPerInput) positions = positions.OrderBy(_ => rng.Next()).Take(maxPerInput).ToList();
            foreach (int j in positions)
            {
                float original = values[j];
                double plus = Evaluate(f, inputs, w, x, j, original + eps);
                double minus = Evaluate(f, inputs, w, x, j, original - eps);
                x.Backend.Upload([original], x.Buffer, j);
                double numeric = (plus - minus) / (2 * eps);
                double diff = Math.Abs(numeric - analytic[j]);
                Assert.True(diff <= atol + rtol * Math.Abs(numeric),
                    $"{what}: d/d input{i}[{j}] analytic {analytic[j]:G6} vs numeric {numeric:G6}");
            }
        }
    }

    /// <summary>
    /// <see cref="Check"/> once for every proper, non-empty subset of the inputs frozen: each
    /// combination takes its own branch through the op's backward rule.
    /// </summary>
    public static void CheckEachFrozen(string what, Func<Tensor[], Tensor> f, Tensor[] inputs,
                                       float eps = 1e-2f, double atol = 2e-3, double rtol = 2e-2)
    {
        int all = (1 << inputs.Length) - 1;
        for (int set = 1; set < all; set++)
        {
            int[] frozen = Enumerable.Range(0, inputs.Length).Where(i => (set & (1 << i)) != 0).ToArray();
            Check(what, f, inputs, eps, atol, rtol, frozen: frozen);
        }
    }

    private static double Evaluate(Func<Tensor[], Tensor> f, Tensor[] inputs, float[] w, Tensor x, int j, float value)
    {
        x.Backend.Upload([value], x.Buffer, j);
        using var _ = Tensor.NoGrad();
        var y = f(inputs).ToArray();
        double s = 0;
        for (int k = 0; k < y.Length; k++) s += (double)y[k] * w[k];
        return s;
    }

    /// <summary>Random values in [lo, hi] kept at least <paramref name="gap"/> away from the kinks listed.</summary>
    public static Tensor Random(int[] shape, int seed, float lo = -1f, float hi = 1f, float gap = 0f, params float[] kinks)
    {
        var r = new Random(seed);
        var data = new float[Shape.Count(shape)];
        for (int i = 0; i < data.Length; i++)
        {
            float v;
            do v = lo + (float)r.NextDouble() * (hi - lo);
            while (kinks.Any(k => Math.Abs(v - k) < gap));
            data[i] = v;
        }
        return Tensor.FromArray(data, shape);
    }
}
