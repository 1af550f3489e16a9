using KernelGan.Gan.Models;
using KernelGan.Gan.Training;
using KernelGan.Kernels;

namespace KernelGan.Gan.Ilsgan;

/// <summary>
/// Measures, after training, how much information the generator's layers share, with MINE:
/// a fresh statistics network is trained on generated pairs and its Donsker-Varadhan bound is
/// averaged over held-out batches. Three pairs are measured: MI(fg; bg) of the raw layers (near 0
/// by construction: the branches draw independent noise, so this checks the estimator), and the
/// two leakage pairs ILSGAN penalizes, MI(bg*m; fg*m) and MI(fg*(1-m); bg*(1-m)).
/// </summary>
public static class LayerMutualInformation
{
    public sealed record Estimate(string Pair, double Nats);

    public static List<Estimate> Measure(LayeredGenerator g, IBackend backend, int trainSteps, int evalBatches, ulong seed, TextWriter log)
    {
        var pairs = new (string Name, Func<Layers, (Tensor X, Tensor Y)> Pick)[]
        {
            ("MI(fg; bg)", l => (l.Foreground, l.Background)),
            ("MI(bg*m; fg*m)", l => (l.Background * l.Mask, l.Foreground * l.Mask)),
            ("MI(fg*(1-m); bg*(1-m))", l => (l.Foreground * (1f - l.Mask), l.Background * (1f - l.Mask))),
        };
        var results = new List<Estimate>();
        foreach (var (name, pick) in pairs)
        {
            var rng = new Rng(SeedStreams.MineMeasurement(seed));
            var mine = new MineEstimator(backend, rng, 3);
            var adam = MineEstimator.Optimizer(mine.Parameters());
            var progress = new ProgressReporter(log, $"MINE {name} step", 0, trainSteps, null);
            for (int step = 1; step <= trainSteps; step++)
            {
                using var scope = new TensorScope();
                var (x, y) = Sample(g, rng, pick, backend);
                adam.ZeroGrad();
                mine.TrainingLoss(x, y, rng.Derangement(x.Shape[0])).Loss.Backward();
                adam.Step();
                progress.Report(step, () => "");
            }
            double total = 0;
            for (int b = 0; b < evalBatches; b++)
            {
                using var scope = new TensorScope();
                using var noGrad = Tensor.NoGrad();
                var (x, y) = Sample(g, rng, pick, backend);
                total += mine.LowerBound(x, y, rng.Derangement(x.Shape[0])).Item();
            }
            results.Add(new Estimate(name, total / evalBatches));
        }
        return results;
    }

    private static (Tensor X, Tensor Y) Sample(LayeredGenerator g, Rng rng, Func<Layers, (Tensor, Tensor)> pick, IBackend backend)
    {
        using var noGrad = Tensor.NoGrad();
        var (zf, zb) = g.SampleLatents(rng, 64, backend);
        return pick(g.Forward(zf, zb));
    }
}
