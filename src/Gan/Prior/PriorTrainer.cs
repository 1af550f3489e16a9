using KernelGan.Gan.Losses;
using KernelGan.Gan.Models;
using KernelGan.Gan.Optim;
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
public sealed class PriorTrainer : IResumableTrainer
{
    public PriorTrainer(PriorConfig config, IBackend backend)
    {
        config.Validate();
        Config = config;
        Backend = backend;
        var previous = Device.Default;
        Device.Default = backend;
        try
        {
            var init = new Rng(config.Seed);
            Generator = new PriorGenerator(init, config.Architecture);
            GeneratorEma = new PriorGenerator(init, config.Architecture);
            Discriminator = new Discriminator(init, config.Architecture.DiscriminatorArchitecture);
            if (config.Independence == IndependenceTerm.Mine)
            {
                Mine = new MineEstimator(init, 3);
                OptMine = MineEstimator.Optimizer(Mine.Parameters());
            }
            OptG = new Adam(Generator.Parameters(), config.LearningRateG, config.Beta1, config.Beta2);
            OptD = new Adam(Discriminator.Parameters(), config.LearningRateD, config.Beta1, config.Beta2);
            Ema = new Ema(Generator, GeneratorEma, config.EmaHalfLifeImages);
            Noise = new Rng(SeedStreams.PriorNoise(config.Seed));
        }
        finally { Device.Default = previous; }
    }

    public PriorConfig Config { get; }
    public IBackend Backend { get; }
    public PriorGenerator Generator { get; }
    public PriorGenerator GeneratorEma { get; }
    public Discriminator Discriminator { get; }
    public MineEstimator? Mine { get; }
    public Adam OptG { get; }
    public Adam OptD { get; }
    public Adam? OptMine { get; }
    public Ema Ema { get; }

    /// <summary>Training noise (latents, MINE permutations); checkpointed for exact resume.</summary>
    public Rng Noise { get; private set; }

    public long Step { get; set; }

    public void RestoreNoise(ulong offset) => Noise = new Rng(Noise.Seed, offset);

    public IEnumerable<(string Name, Tensor Value)> StateTensors() => TrainerCheckpoint.Prefixed(
        ("G.", Generator.StateTensors()), ("G_ema.", GeneratorEma.StateTensors()), ("D.", Discriminator.StateTensors()),
        ("opt_G.", OptG.StateTensors()), ("opt_D.", OptD.StateTensors()),
        ("mine.", Mine?.StateTensors()), ("opt_mine.", OptMine?.StateTensors()));

    /// <summary>One D step and one G step on real images [N, 3, S, S] in [-1, 1].</summary>
    public PriorStepStats TrainStep(Tensor real)
    {
        int batch = real.Shape[0];
        int size = Config.Architecture.CanvasSize;
        if (real.Rank != 4 || real.Shape[1] != 3 || real.Shape[2] != size || real.Shape[3] != size)
            throw new ShapeException($"prior step: real batch {Shape.Format(real.Shape)} must be [N,3,{size},{size}]");
        using var scope = new TensorScope();
        var layers = Generator.Forward(Generator.SampleLatents(Noise, batch, Backend));
        var fake = layers.Composite;

        // ---- D step
        Discriminator.SetParametersTrainable(true);
        OptD.ZeroGrad();
        var realLogits = Discriminator.Forward(real);
        var fakeLogits = Discriminator.Forward(fake.Detach());
        var lossD = AdversarialLoss.Discriminator(realLogits, fakeLogits);
        lossD.Backward();
        OptD.Step();

        // ---- G step
        Discriminator.SetParametersTrainable(false);
        OptG.ZeroGrad();
        var adversarial = AdversarialLoss.Generator(Discriminator.Forward(fake));
        var areas = layers.InstanceAreas();
        var area = Ops.Mean(areas);
        var canonicalMasks = layers.Canonical.Select(c => c.Mask).ToList();
        var binarization = Mean(canonicalMasks.Select(MaskPriors.Binarization));
        var floor = Mean(canonicalMasks.Select(m => MaskPriors.MinimumArea(m, Config.MinimumMask)));
        var independence = Config.Independence == IndependenceTerm.Mine ? MineLeakage(layers, batch) : Tensor.Zeros([], Backend);
        float ramp = Config.PriorRamp(Step);
        var lossG = adversarial + (ramp * Config.AreaWeight) * area + (ramp * Config.BinarizationWeight) * binarization
                    + Config.FloorWeight * floor + Config.MineWeight * independence;
        lossG.Backward();
        OptG.Step();
        Discriminator.SetParametersTrainable(true);
        Mine?.SetParametersTrainable(true);
        Ema.Update(batch);
        Step++;

        using var noGrad = Tensor.NoGrad();
        var scale = Mean(layers.Poses.Select(p => Ops.Mean(p.Scale)));
        var stats = Ops.Concat(0, [.. new[] { lossD, lossG, adversarial, area, binarization, floor, independence,
            Ops.Mean(layers.UnionMask()), scale, Ops.Mean(realLogits), Ops.Mean(fakeLogits) }.Select(t => Ops.Reshape(t, 1))]).ToArray();
        return new PriorStepStats(Step, stats[0], stats[1], stats[2], stats[3], stats[4], stats[5], stats[6], stats[7], stats[8], stats[9], stats[10]);
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
}
