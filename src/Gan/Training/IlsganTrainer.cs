using KernelGan.Gan.Losses;
using KernelGan.Gan.Models;
using KernelGan.Gan.Optim;
using KernelGan.Kernels;

namespace KernelGan.Gan.Training;

/// <summary>
/// One ILSGAN training step (DESIGN.md): the generator runs once; D steps on real and the
/// detached, perturbed composite; then G steps on D's verdict of the same composite plus the
/// mask priors and sigma times the layer-independence term. D's weight gradients are switched
/// off during the G step, where only the gradient through D's input is needed.
/// </summary>
public sealed class IlsganTrainer : IResumableTrainer
{
    public IlsganTrainer(IlsganConfig config, IBackend backend)
    {
        Config = config;
        Backend = backend;
        var previous = Device.Default;
        Device.Default = backend;
        try
        {
            var init = new Rng(config.Seed);
            Generator = new LayeredGenerator(init, config.Architecture, config.MaskLogitBias, config.CentrePrior);
            GeneratorEma = new LayeredGenerator(init, config.Architecture, config.MaskLogitBias, config.CentrePrior);
            Discriminator = new Discriminator(init, config.Architecture, patchLogits: config.PatchDiscriminator);
            if (config.Independence == IndependenceTerm.Mine)
            {
                MineInside = new MineEstimator(init, 3);
                MineOutside = new MineEstimator(init, 3);
                OptMine = MineEstimator.Optimizer(MineInside.Parameters().Concat(MineOutside.Parameters()));
            }
            OptG = new Adam(Generator.Parameters(), config.LearningRateG, config.Beta1, config.Beta2);
            OptD = new Adam(Discriminator.Parameters(), config.LearningRateD, config.Beta1, config.Beta2);
            Ema = new Ema(Generator, GeneratorEma, config.EmaHalfLifeImages);
            Noise = new Rng(SeedStreams.IlsganNoise(config.Seed));
        }
        finally { Device.Default = previous; }
    }

    public IlsganConfig Config { get; }
    public IBackend Backend { get; }
    public LayeredGenerator Generator { get; }
    public LayeredGenerator GeneratorEma { get; }
    public Discriminator Discriminator { get; }
    public MineEstimator? MineInside { get; }
    public MineEstimator? MineOutside { get; }
    public Adam OptG { get; }
    public Adam OptD { get; }
    public Adam? OptMine { get; }
    public Ema Ema { get; }

    /// <summary>The stream of training noise (latents, shifts, permutations); checkpointed for exact resume.</summary>
    public Rng Noise { get; private set; }

    /// <summary>Steps taken. Setting it (a step, a resume) also sets both generators' centre prior for that step.</summary>
    public long Step
    {
        get => _step;
        set
        {
            _step = value;
            Generator.CentrePriorStrength = GeneratorEma.CentrePriorStrength = Config.CentrePriorAt(value);
        }
    }

    private long _step;

    public void RestoreNoise(ulong offset) => Noise = new Rng(Noise.Seed, offset);

    public IEnumerable<(string Name, Tensor Value)> StateTensors() => TrainerCheckpoint.Prefixed(
        ("G.", Generator.StateTensors()), ("G_ema.", GeneratorEma.StateTensors()), ("D.", Discriminator.StateTensors()),
        ("opt_G.", OptG.StateTensors()), ("opt_D.", OptD.StateTensors()),
        ("mine_in.", MineInside?.StateTensors()), ("mine_out.", MineOutside?.StateTensors()), ("opt_mine.", OptMine?.StateTensors()));

    /// <summary>One D step and one G step on a batch of real images [N, 3, S, S] in [-1, 1].</summary>
    public StepStats TrainStep(Tensor real)
    {
        int batch = real.Shape[0];
        using var scope = new TensorScope();
        var (zf, zb) = Generator.SampleLatents(Noise, batch, Backend);
        var layers = Generator.Forward(zf, zb);
        var (dx, dy) = Perturbation.DrawShifts(Noise, batch, real.Shape[3], Config.ShiftFraction);
        var fake = Perturbation.ShiftedComposite(layers.Foreground, layers.Mask, layers.Background, dx, dy);

        // ---- D step
        Discriminator.SetParametersTrainable(true);
        OptD.ZeroGrad();
        var realLogits = Discriminator.Forward(real);
        var fakeLogits = Discriminator.Forward(fake.Detach());
        var lossD = AdversarialLoss.Discriminator(realLogits, fakeLogits);
        lossD.Backward();
        var r1 = Tensor.Zeros([], Backend);
        if (Config.R1Gamma > 0 && Step % Config.R1Interval == 0) r1 = R1Regularizer.Accumulate(Discriminator, real, Config.R1Gamma * Config.R1Interval);
        OptD.Step();

        // ---- G step
        Discriminator.SetParametersTrainable(false);
        OptG.ZeroGrad();
        var adversarial = AdversarialLoss.Generator(Discriminator.Forward(fake));
        var binarization = MaskPriors.Binarization(layers.Mask);
        var area = Config.MinimumAreaOverBatch
            ? MaskPriors.MinimumBatchArea(layers.Mask, Config.MinimumArea)
            : MaskPriors.MinimumArea(layers.Mask, Config.MinimumArea);
        if (Config.MaximumArea < 1f) area = area + MaskPriors.MaximumArea(layers.Mask, Config.MaximumArea);
        var smoothness = Config.SmoothnessWeight > 0f ? MaskPriors.TotalVariation(layers.Mask) : Tensor.Zeros([], Backend);
        var leakage = Independence(layers, batch);
        var lossG = adversarial + Config.BinarizationWeight * binarization + Config.AreaWeight * area
                    + Config.SmoothnessWeight * smoothness + Config.SigmaAt(Step) * leakage;
        lossG.Backward();
        OptG.Step();
        Discriminator.SetParametersTrainable(true);
        MineInside?.SetParametersTrainable(true);
        MineOutside?.SetParametersTrainable(true);
        Ema.Update(batch);
        Step++;

        using var noGrad = Tensor.NoGrad();
        var stats = Ops.Concat(0, [.. new[] { lossD, lossG, adversarial, binarization, area, smoothness, leakage,
            Ops.Mean(layers.Mask), Ops.Mean(realLogits), Ops.Mean(fakeLogits), r1 }.Select(t => Ops.Reshape(t, 1))]).ToArray();
        return new StepStats(Step, stats[0], stats[1], stats[2], stats[3], stats[4], stats[5], stats[6], stats[7], stats[8], stats[9], stats[10]);
    }

    private Tensor Independence(Layers layers, int batch)
    {
        switch (Config.Independence)
        {
            case IndependenceTerm.Club:
                return ClubMutualInformation.LayerLeakage(layers.Foreground, layers.Background, layers.Mask, Noise.Derangement(batch));
            case IndependenceTerm.Mine:
                return MineLeakage(layers, batch);
            default:
                return Tensor.Zeros([], Backend);
        }
    }

    /// <summary>
    /// The same hidden-vs-visible pairs as CLUB, measured by two MINE statistics networks: they
    /// step up their bound on detached layers, then G is charged with the bound itself.
    /// </summary>
    private Tensor MineLeakage(Layers layers, int batch)
    {
        var m = layers.Mask;
        var inverse = 1f - m;
        var pairs = new[]
        {
            (Net: MineInside!, X: layers.Background * m, Y: layers.Foreground * m),
            (Net: MineOutside!, X: layers.Foreground * inverse, Y: layers.Background * inverse),
        };
        OptMine!.ZeroGrad();
        foreach (var (net, x, y) in pairs)
            net.TrainingLoss(x.Detach(), y.Detach(), Noise.Derangement(batch)).Loss.Backward();
        OptMine.Step();
        // G's gradient flows through the statistics networks' inputs only; TrainStep turns their
        // weight gradients back on after G's backward pass.
        foreach (var (net, _, _) in pairs) net.SetParametersTrainable(false);
        var perm = Noise.Derangement(batch);
        return pairs[0].Net.LowerBound(pairs[0].X, pairs[0].Y, perm) + pairs[1].Net.LowerBound(pairs[1].X, pairs[1].Y, perm);
    }
}
