using System.Text.Json.Nodes;
using KernelGan.Gan.Losses;
using KernelGan.Gan.Models;
using KernelGan.Gan.Training;
using KernelGan.Kernels;

namespace KernelGan.Gan.Ilsgan;

/// <summary>
/// ILSGAN's step (DESIGN.md) on the shared skeleton of <see cref="GanTrainer{TGenerator}"/>: the
/// generator runs once and its fg and mask are shifted together before D sees the composite
/// (PerturbGAN); D steps on real and that composite, optionally augmented (--augment diff) and
/// with lazy R1; G steps on D's verdict plus the mask priors and sigma times the layer-independence term (CLUB or MINE).
/// </summary>
public sealed class IlsganTrainer : GanTrainer<LayeredGenerator>
{
    public IlsganTrainer(IlsganConfig config, IBackend backend)
        : base(config, backend, SeedStreams.IlsganNoise(config.Seed),
               init => new LayeredGenerator(backend, init, config.Architecture, config.MaskLogitBias, config.CentrePrior) { SharedLatent = config.SharedLatent, MaskBlurred = config.MaskBlur },
               init => new Discriminator(backend, init, config.Architecture, patchLogits: config.PatchDiscriminator),
               init => config.Independence == IndependenceTerm.Mine
                   ? [("mine_in.", new MineEstimator(backend, init, 3)), ("mine_out.", new MineEstimator(backend, init, 3))]
                   : [])
    {
        Config = config;
        if (config.Augment == DAugment.Diff) Augment = AdaptiveAugment.For(config);
    }

    public IlsganConfig Config { get; }

    /// <summary>D's input augmentation (null with --augment none).</summary>
    public AdaptiveAugment? Augment { get; }

    /// <summary>The step at which a time budget switched sigma early (see <see cref="TimedSigmaSwitch"/>); null = by steps only.</summary>
    public long? SigmaSwitchedAt { get; private set; }

    /// <summary>The independence term's weight at the current step.</summary>
    public float Sigma => SigmaSwitchedAt is { } at && Step >= at ? Config.SigmaLate : Config.SigmaAt(Step);

    /// <summary>Whether sigma still has its early value: neither a time budget nor the step schedule has switched it.</summary>
    public bool SigmaIsEarly => SigmaSwitchedAt is null && Step < Config.SigmaSwitchStep;

    /// <summary>Switches sigma to its late value from this step on, unless the step schedule already did.</summary>
    /// <returns>Whether this call switched it (false once switched, by time or by steps).</returns>
    public bool SwitchSigmaNow()
    {
        if (!SigmaIsEarly) return false;
        SigmaSwitchedAt = Step;
        return true;
    }

    public override JsonObject? ExtraState()
    {
        if (SigmaSwitchedAt is null && Augment is null) return null;
        var state = new JsonObject();
        if (SigmaSwitchedAt is { } at) state["sigma_switched_at"] = at;
        if (Augment is not null) state["augment"] = Augment.Save();
        return state;
    }

    public override void RestoreExtraState(JsonObject? state)
    {
        SigmaSwitchedAt = state?["sigma_switched_at"]?.GetValue<long>();
        if (Augment is null) return;
        if (state?["augment"] is not JsonObject saved)
            throw new CheckpointException("the checkpoint has no augmentation state, but the run's config asks for --augment diff");
        Augment.Restore(saved);
    }

    /// <summary>Both generators follow the centre prior's schedule.</summary>
    protected override void OnStepSet(long step) =>
        Generator.CentrePriorStrength = GeneratorEma.CentrePriorStrength = Config.CentrePriorAt(step);

    /// <summary>The metrics.csv columns of an ILSGAN run; with --augment, an augment_p column (the probability the step used) at the end.</summary>
    public static GanStepColumns StepColumns(bool augment) => augment ? ColumnsWithAugment : ColumnsPlain;

    private static readonly string[] ColumnNames = ["loss_d", "loss_g", "adv", "binarization", "area", "smoothness", "mi", "mask_mean", "d_real", "d_fake", "r1"];
    private static readonly GanStepColumns ColumnsPlain = new(ColumnNames, DescribeStep);
    private static readonly GanStepColumns ColumnsWithAugment = new([.. ColumnNames, "augment_p"], DescribeStep);

    private static string DescribeStep(GanStepStats s) => FormattableString.Invariant(
        $"D {s.LossD:F3} G {s.Adversarial:F3} | mask area {s.MaskMean:F3} bin {s.Binarization:F3} | MI {s.MutualInformation:F4}");

    /// <summary>One D step and one G step on a batch of real images [N, 3, S, S] in [-1, 1]; statistics staged in <see cref="GanTrainer{TGenerator}.Stats"/>.</summary>
    public override void StageStep(Tensor real)
    {
        int batch = real.Shape[0];
        using var scope = new TensorScope();
        var (zf, zb) = Generator.SampleLatents(Noise, batch, Backend);
        var layers = Generator.Forward(zf, zb);
        var (dx, dy) = Perturbation.DrawShifts(Noise, batch, real.Shape[3], Config.ShiftFraction);
        var (fake, shiftedMask) = Perturbation.Shifted(layers.Foreground, layers.Mask, layers.Background, dx, dy);

        var d = DiscriminatorStep(real, fake);

        var adversarial = BeginGeneratorStep(fake);
        var priorMask = PriorMask(Config, layers.Mask, shiftedMask);
        var binarization = MaskPriors.Binarization(priorMask);
        var area = Config.MinimumAreaOverBatch
            ? MaskPriors.MinimumBatchArea(priorMask, Config.MinimumArea)
            : MaskPriors.MinimumArea(priorMask, Config.MinimumArea);
        if (Config.MaximumArea < 1f) area = area + MaskPriors.MaximumArea(priorMask, Config.MaximumArea);
        // Measured always (a dithered mask shows here first); charged only with --smoothness.
        Tensor smoothness;
        if (Config.SmoothnessWeight > 0f) smoothness = MaskPriors.TotalVariation(layers.Mask);
        else using (Tensor.NoGrad()) smoothness = MaskPriors.TotalVariation(layers.Mask);
        var leakage = Independence(layers, batch);
        var lossG = adversarial + Config.BinarizationWeight * binarization + Config.AreaWeight * area
                    + Config.SmoothnessWeight * smoothness + Sigma * leakage;
        if (Config.BorderWeight > 0f) lossG = lossG + Config.BorderWeight * MaskPriors.OnBorder(priorMask, Border(priorMask.Shape[3]));
        EndGeneratorStep(lossG, batch);

        // p is adjusted after the step, from this step's reals, as ADA does after each batch.
        float? augmentP = Augment?.P;
        Augment?.Observe(d.RealLogits);

        StageStats(StepColumns(Augment is not null), augmentP is { } p ? [p] : [], d.Loss, lossG, adversarial, binarization, area, smoothness, leakage,
            Ops.Mean(layers.Mask), Ops.Mean(d.RealLogits), Ops.Mean(d.FakeLogits), d.Penalty);
    }

    /// <summary>With --augment diff, D sees every input (real, fake, and R1's reals) augmented, each with its own draw.</summary>
    protected override Tensor SeenByDiscriminator(Tensor image) => Augment?.Apply(image) ?? image;

    /// <summary>Lazy R1 on the reals D saw, every <see cref="IlsganConfig.R1Interval"/> steps.</summary>
    protected override Tensor DiscriminatorPenalty(Tensor realSeen) =>
        Config.R1Gamma > 0 && Step % Config.R1Interval == 0
            ? R1Regularizer.Accumulate(Discriminator, realSeen, Config.R1Gamma * Config.R1Interval)
            : Tensor.Zeros([], Backend);

    /// <summary>The mask binarization and minimum area act on: the generator's own, or (official) the shifted one D sees.</summary>
    private FrameBand? _border;

    private FrameBand Border(int size) => _border ??= new FrameBand(size, Config.BorderBandPixels(size), Backend);

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
            (Net: MineNetworks[0], X: layers.Background * m, Y: layers.Foreground * m),
            (Net: MineNetworks[1], X: layers.Foreground * inverse, Y: layers.Background * inverse),
        };
        OptMine!.ZeroGrad();
        foreach (var (net, x, y) in pairs)
            net.TrainingLoss(x.Detach(), y.Detach(), Noise.Derangement(batch)).Loss.Backward();
        OptMine.Step();
        // G's gradient flows through the statistics networks' inputs only; EndGeneratorStep turns their
        // weight gradients back on after G's backward pass.
        foreach (var (net, _, _) in pairs) net.SetParametersTrainable(false);
        var perm = Noise.Derangement(batch);
        return pairs[0].Net.LowerBound(pairs[0].X, pairs[0].Y, perm) + pairs[1].Net.LowerBound(pairs[1].X, pairs[1].Y, perm);
    }
}
