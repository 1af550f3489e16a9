using KernelGan.Gan.Losses;
using KernelGan.Gan.Models;
using KernelGan.Gan.Training;
using KernelGan.Kernels;

namespace KernelGan.Gan.Prior;

/// <summary>
/// One independence-prior training step: the generator composes a batch; D (spectral norm, non-
/// saturating logistic loss) steps on real images and the detached composites; then G steps on
/// D's verdict plus the mask priors of <see cref="PriorConfig"/>. Nothing tells an instance where
/// an object is: the area penalty shrinks every mask, and only masks that cover whole objects
/// keep the composite real, because the instances, their poses and the background are drawn
/// independently.
/// </summary>
public sealed class PriorTrainer : GanTrainer<PriorGenerator>
{
    public PriorConfig Config { get; }

    public PriorTrainer(PriorConfig config, IBackend backend)
        : base(Validated(config), backend, SeedStreams.PriorNoise(config.Seed),
               init => new PriorGenerator(backend, init, config.Architecture),
               init => new Discriminator(backend, init, config.Architecture.DiscriminatorArchitecture),
               init => config.Independence == IndependenceTerm.Mine ? [("mine.", new MineEstimator(backend, init, 3))] : [])
    {
        Config = config;
        if (config.BackgroundAdversaryWeight > 0f) BackgroundAdversary = new BackgroundAdversary(config, backend);
    }

    /// <summary>The background's own critic (--bg-adversary), or null when off.</summary>
    public BackgroundAdversary? BackgroundAdversary { get; }

    protected override IEnumerable<(string Prefix, IEnumerable<(string Name, Tensor Value)>? Tensors)> ExtraStateTensors() =>
        BackgroundAdversary is { } b ? [("bg_critic.", b.StateTensors())] : [];

    /// <summary>The background critic's optimizer step count, which the checkpoint's fixed counters do not hold.</summary>
    public override System.Text.Json.Nodes.JsonObject? ExtraState() =>
        BackgroundAdversary is { } b ? new() { ["opt_bg_critic_steps"] = b.Optimizer.StepCount } : null;

    public override void RestoreExtraState(System.Text.Json.Nodes.JsonObject? state)
    {
        if (BackgroundAdversary is { } b && state?["opt_bg_critic_steps"] is { } steps) b.Optimizer.StepCount = steps.GetValue<long>();
    }

    /// <summary>Checks the config before anything is built from it.</summary>
    private static PriorConfig Validated(PriorConfig config)
    {
        config.Validate();
        return config;
    }

    /// <summary>The MINE statistics network of the explicit independence term (null without it).</summary>
    public MineEstimator? Mine => MineNetworks.Count > 0 ? MineNetworks[0] : null;

    /// <summary>
    /// The metrics.csv columns of a prior run. Names match ILSGAN's where they mean the same, so
    /// report.html charts both.
    /// </summary>
    public static readonly GanStepColumns StepColumns = new(
        ["loss_d", "loss_g", "adv", "area", "binarization", "floor", "mi", "mask_mean", "scale", "d_real", "d_fake", "loss_bg_critic", "bg_adv"],
        s => FormattableString.Invariant(
            $"D {s.LossD:F3} G {s.Adversarial:F3} | instance area {s.Area:F3} union {s.MaskMean:F3} scale {s["scale"]:F2} bin {s.Binarization:F3} | MI {s.MutualInformation:F4}"));

    /// <summary>One D step and one G step on real images [N, 3, S, S] in [-1, 1]; statistics staged in <see cref="GanTrainer{TGenerator}.Stats"/>.</summary>
    public override void StageStep(Tensor real)
    {
        int batch = real.Shape[0];
        int size = Config.Architecture.CanvasSize;
        if (real.Rank != 4 || real.Shape[1] != 3 || real.Shape[2] != size || real.Shape[3] != size)
            throw new ShapeException($"prior step: real batch {Shape.Format(real.Shape)} must be [N,3,{size},{size}]");
        using var scope = new TensorScope();
        var latents = Generator.SampleLatents(Noise, batch, Backend);
        var layers = Generator.Forward(latents, PlacementShifts(batch));
        var fake = layers.Composite;

        var d = DiscriminatorStep(real, fake);
        var bgCriticLoss = BackgroundAdversary?.CriticStep(layers.Background, Step) ?? Tensor.Zeros([], Backend);

        var adversarial = BeginGeneratorStep(fake);
        var areas = layers.InstanceAreas();
        var area = Ops.Mean(areas);
        var canonicalMasks = layers.Canonical.Select(c => c.Mask).ToList();
        var binarization = Mean(canonicalMasks.Select(MaskPriors.Binarization));
        var floor = Mean(canonicalMasks.Select(m => MaskPriors.MinimumArea(m, Config.MinimumMask)));
        if (Config.MinimumInstanceArea > 0f) floor = floor + Ops.Mean(Ops.Relu(Config.MinimumInstanceArea - areas));
        var independence = Config.Independence == IndependenceTerm.Mine ? MineLeakage(layers, batch) : Tensor.Zeros([], Backend);
        float ramp = Config.PriorRamp(Step);
        var lossG = adversarial + (ramp * Config.AreaWeight) * area + (ramp * Config.BinarizationWeight) * binarization
                    + Config.FloorWeight * floor + Config.MineWeight * independence;
        // Box crops: no instance in the frame that lies outside every crop's box.
        if (Config.OutsideBoxWeight > 0f) lossG = lossG + Config.OutsideBoxWeight * Ops.Mean(layers.UnionMask() * OutsideBoxFrame());
        var bgAdversarial = BackgroundAdversary?.GeneratorTerm(layers.Background) ?? Tensor.Zeros([], Backend);
        if (BackgroundAdversary is not null) lossG = lossG + Config.BackgroundAdversaryWeight * bgAdversarial;
        EndGeneratorStep(lossG, batch);
        BackgroundAdversary?.Unfreeze();

        var scale = Mean(layers.Poses.Select(p => Ops.Mean(p.Scale)));
        StageStats(StepColumns, [], d.Loss, lossG, adversarial, area, binarization, floor, independence,
            Ops.Mean(layers.UnionMask()), scale, Ops.Mean(d.RealLogits), Ops.Mean(d.FakeLogits), bgCriticLoss, bgAdversarial);
    }

    /// <summary>
    /// The shift perturbation's offsets, one [N * SlotsPerProvider, 2] per provider, uniform in
    /// +-ShiftFraction of the side (2 * ShiftFraction in normalized units); null when off, so runs
    /// without it draw exactly the noise they drew before the option existed.
    /// </summary>
    private IReadOnlyList<Tensor>? PlacementShifts(int batch)
    {
        if (Config.ShiftFraction <= 0f) return null;
        var a = Config.Architecture;
        float reach = 2f * Config.ShiftFraction;
        return Enumerable.Range(0, a.Providers).Select(_ => Noise.Uniform([batch * a.SlotsPerProvider, 2], -reach, reach, Backend)).ToList();
    }

    private static Tensor Mean(IEnumerable<Tensor> terms)
    {
        var list = terms.ToList();
        var sum = list[0];
        for (int i = 1; i < list.Count; i++) sum = sum + list[i];
        return list.Count == 1 ? sum : sum * (1f / list.Count);
    }

    /// <summary>
    /// The explicit independence term: a MINE statistics network estimates MI between what the
    /// instances hide of the background (bg * M, M the union mask) and what they show (the
    /// instances composited over zeros). It steps up its bound on detached layers, then G is
    /// charged with the bound, through the network's inputs only.
    /// </summary>
    private Tensor MineLeakage(PriorLayers layers, int batch)
    {
        var union = layers.UnionMask();
        var hidden = layers.Background * union;
        var visible = layers.InstancesOverZero();
        OptMine!.ZeroGrad();
        Mine!.TrainingLoss(hidden.Detach(), visible.Detach(), Noise.Derangement(batch)).Loss.Backward();
        OptMine.Step();
        Mine.SetParametersTrainable(false);
        return Mine.LowerBound(hidden, visible, Noise.Derangement(batch));
    }

    private FrameBand? _outsideBoxFrame;

    /// <summary>[1, 1, S, S]: 1 in the crop's outer sixth on every edge (outside any box the crop was cut around), 0 inside.</summary>
    private Tensor OutsideBoxFrame() =>
        (_outsideBoxFrame ??= new FrameBand(Config.Architecture.CanvasSize, Config.Architecture.CanvasSize / 6, Backend)).Map;
}
