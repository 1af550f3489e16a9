using System.Text.Json.Nodes;
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
            Generator.SharedLatent = GeneratorEma.SharedLatent = config.SharedLatent;
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
            if (config.Augment == DAugment.Diff) Augment = AdaptiveAugment.For(config);
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

    /// <summary>D's input augmentation (null with --augment none).</summary>
    public AdaptiveAugment? Augment { get; }

    /// <summary>The step at which a time budget switched sigma early (see <see cref="TimedSigmaSwitch"/>); null = by steps only.</summary>
    public long? SigmaSwitchedAt { get; private set; }

    /// <summary>The independence term's weight at the current step.</summary>
    public float Sigma => SigmaSwitchedAt is { } at && Step >= at ? Config.SigmaLate : Config.SigmaAt(Step);

    /// <summary>Switches sigma to its late value from this step on, unless the step schedule already did.</summary>
    public void SwitchSigmaNow()
    {
        if (SigmaSwitchedAt is null && Step < Config.SigmaSwitchStep) SigmaSwitchedAt = Step;
    }

    public JsonObject? ExtraState()
    {
        if (SigmaSwitchedAt is null && Augment is null) return null;
        var state = new JsonObject();
        if (SigmaSwitchedAt is { } at) state["sigma_switched_at"] = at;
        if (Augment is not null) state["augment"] = Augment.Save();
        return state;
    }

    public void RestoreExtraState(JsonObject? state)
    {
        SigmaSwitchedAt = state?["sigma_switched_at"]?.GetValue<long>();
        if (Augment is null) return;
        if (state?["augment"] is not JsonObject saved)
            throw new CheckpointException("the checkpoint has no augmentation state, but the run's config asks for --augment diff");
        Augment.Restore(saved);
    }

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
        var (fake, shiftedMask) = Perturbation.Shifted(layers.Foreground, layers.Mask, layers.Background, dx, dy);

        // ---- D step
        Discriminator.SetParametersTrainable(true);
        OptD.ZeroGrad();
        // With augmentation, D sees every input (real, fake, and R1's reals) augmented, each with its own draw.
        var realSeen = Augment?.Apply(real) ?? real;
        var realLogits = Discriminator.Forward(realSeen);
        var fakeLogits = Discriminator.Forward(Augment?.Apply(fake.Detach()) ?? fake.Detach());
        var lossD = AdversarialLoss.Discriminator(realLogits, fakeLogits);
        lossD.Backward();
        var r1 = Tensor.Zeros([], Backend);
        if (Config.R1Gamma > 0 && Step % Config.R1Interval == 0) r1 = R1Regularizer.Accumulate(Discriminator, realSeen, Config.R1Gamma * Config.R1Interval);
        OptD.Step();

        // ---- G step
        Discriminator.SetParametersTrainable(false);
        OptG.ZeroGrad();
        var adversarial = AdversarialLoss.Generator(Discriminator.Forward(Augment?.Apply(fake) ?? fake));
        var priorMask = PriorMask(Config, layers.Mask, shiftedMask);
        var binarization = MaskPriors.Binarization(priorMask);
        var area = Config.MinimumAreaOverBatch
            ? MaskPriors.MinimumBatchArea(priorMask, Config.MinimumArea)
            : MaskPriors.MinimumArea(priorMask, Config.MinimumArea);
        if (Config.MaximumArea < 1f) area = area + MaskPriors.MaximumArea(priorMask, Config.MaximumArea);
        var smoothness = Config.SmoothnessWeight > 0f ? MaskPriors.TotalVariation(layers.Mask) : Tensor.Zeros([], Backend);
        var leakage = Independence(layers, batch);
        var lossG = adversarial + Config.BinarizationWeight * binarization + Config.AreaWeight * area
                    + Config.SmoothnessWeight * smoothness + Sigma * leakage;
        lossG.Backward();
        OptG.Step();
        Discriminator.SetParametersTrainable(true);
        MineInside?.SetParametersTrainable(true);
        MineOutside?.SetParametersTrainable(true);
        Ema.Update(batch);
        // p is adjusted after the step, from this step's reals, as ADA does after each batch.
        float? augmentP = Augment?.P;
        Augment?.Observe(realLogits.ToArray());
        Step++;

        using var noGrad = Tensor.NoGrad();
        var stats = Ops.Concat(0, [.. new[] { lossD, lossG, adversarial, binarization, area, smoothness, leakage,
            Ops.Mean(layers.Mask), Ops.Mean(realLogits), Ops.Mean(fakeLogits), r1 }.Select(t => Ops.Reshape(t, 1))]).ToArray();
        return new StepStats(Step, stats[0], stats[1], stats[2], stats[3], stats[4], stats[5], stats[6], stats[7], stats[8], stats[9], stats[10], augmentP);
    }

    /// <summary>The mask binarization and minimum area act on: the generator's own, or (official) the shifted one D sees.</summary>
    public static Tensor PriorMask(IlsganConfig config, Tensor mask, Tensor shiftedMask) => config.LossesOnShiftedMask ? shiftedMask : mask;

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
