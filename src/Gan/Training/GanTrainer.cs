using System.Text.Json.Nodes;
using KernelGan.Gan.Losses;
using KernelGan.Gan.Models;
using KernelGan.Kernels;
using KernelGan.Nn;
using KernelGan.Nn.Optim;

namespace KernelGan.Gan.Training;

/// <summary>
/// What the layered-GAN trainers (ILSGAN, the independence prior) share: the generator and its
/// EMA copy, D, their Adam optimizers, the optional MINE statistics networks and their optimizer,
/// the noise stream and step counter a checkpoint restores, and the two halves of a step that do
/// not depend on the method: D's step on real and detached fake images, and the end of G's step
/// (backward, optimizer, EMA, step counter). A method's <c>TrainStep</c> generates, calls
/// <see cref="DiscriminatorStep"/>, starts G's loss with <see cref="BeginGeneratorStep"/>, adds its
/// own terms and hands the total to <see cref="EndGeneratorStep"/>.
/// </summary>
public abstract class GanTrainer<TGenerator> : IResumableTrainer where TGenerator : Module
{
    private readonly (string Prefix, MineEstimator Network)[] _mineNetworks;

    /// <param name="noiseSeed">The training noise's stream (latents, shifts, permutations).</param>
    /// <param name="newGenerator">Builds a generator from the init stream; called twice (live, then EMA).</param>
    /// <param name="newMineNetworks">The MINE networks (none without a MINE term), each with its checkpoint prefix, built after D from the same stream.</param>
    protected GanTrainer(GanSettings settings, IBackend backend, ulong noiseSeed, Func<Rng, TGenerator> newGenerator,
                         Func<Rng, Discriminator> newDiscriminator, Func<Rng, (string Prefix, MineEstimator Network)[]> newMineNetworks)
    {
        Backend = backend;
        // One init stream in a fixed order (G, G_ema, D, MINE), so a seed names the same weights.
        var init = new Rng(settings.Seed);
        Generator = newGenerator(init);
        GeneratorEma = newGenerator(init);
        Discriminator = newDiscriminator(init);
        _mineNetworks = newMineNetworks(init);
        MineNetworks = [.. _mineNetworks.Select(m => m.Network)];
        if (_mineNetworks.Length > 0) OptMine = MineEstimator.Optimizer(_mineNetworks.SelectMany(m => m.Network.Parameters()));
        OptG = new Adam(Generator.Parameters(), settings.LearningRateG, settings.Beta1, settings.Beta2);
        OptD = new Adam(Discriminator.Parameters(), settings.LearningRateD, settings.Beta1, settings.Beta2);
        Ema = new Ema(Generator, GeneratorEma, settings.EmaHalfLifeImages);
        Noise = new Rng(noiseSeed);
        Stats = new StepStatsQueue(backend);
    }

    public IBackend Backend { get; }
    public TGenerator Generator { get; }
    public TGenerator GeneratorEma { get; }
    public Discriminator Discriminator { get; }
    public Adam OptG { get; }
    public Adam OptD { get; }
    public Adam? OptMine { get; }
    public Ema Ema { get; }

    /// <summary>The MINE statistics networks, in the order they were built.</summary>
    protected IReadOnlyList<MineEstimator> MineNetworks { get; }

    /// <summary>The stream of training noise; checkpointed for exact resume.</summary>
    public Rng Noise { get; private set; }

    public void RestoreNoise(ulong offset) => Noise = new Rng(Noise.Seed, offset);

    /// <summary>Steps taken. Setting it (a step, a resume) calls <see cref="OnStepSet"/>.</summary>
    public long Step
    {
        get => _step;
        set
        {
            _step = value;
            OnStepSet(value);
        }
    }

    private long _step;

    /// <summary>Follows the step with what a schedule sets per step (ILSGAN's centre prior).</summary>
    protected virtual void OnStepSet(long step) { }

    public IEnumerable<(string Name, Tensor Value)> StateTensors() => TrainerCheckpoint.Prefixed(
        [("G.", Generator.StateTensors()), ("G_ema.", GeneratorEma.StateTensors()), ("D.", Discriminator.StateTensors()),
         ("opt_G.", OptG.StateTensors()), ("opt_D.", OptD.StateTensors()),
         .. _mineNetworks.Select(m => (m.Prefix, (IEnumerable<(string, Tensor)>?)m.Network.StateTensors())),
         ("opt_mine.", OptMine?.StateTensors()), .. ExtraStateTensors()]);

    /// <summary>A method's own networks beyond G, D and MINE, each part behind its checkpoint prefix; none by default.</summary>
    protected virtual IEnumerable<(string Prefix, IEnumerable<(string Name, Tensor Value)>? Tensors)> ExtraStateTensors() => [];

    /// <summary>Scalar state beyond the step, noise and tensors, for the checkpoint's metadata; none by default.</summary>
    public virtual JsonObject? ExtraState() => null;

    /// <summary>Restores what <see cref="ExtraState"/> saved (null from a checkpoint that has none).</summary>
    public virtual void RestoreExtraState(JsonObject? state) { }

    /// <summary>D's input as D sees it: the image itself, or (ILSGAN's --augment diff) an augmented copy, a fresh draw each call.</summary>
    protected virtual Tensor SeenByDiscriminator(Tensor image) => image;

    /// <summary>A penalty accumulated into D's gradients after its loss, before its optimizer steps (ILSGAN's lazy R1); zero by default.</summary>
    protected virtual Tensor DiscriminatorPenalty(Tensor realSeen) => Tensor.Zeros([], Backend);

    /// <summary>What D's step measured: its loss, its logits on real and fake, the penalty.</summary>
    protected sealed record DiscriminatorVerdict(Tensor Loss, Tensor RealLogits, Tensor FakeLogits, Tensor Penalty);

    /// <summary>D's step: the non-saturating logistic loss on real images and the detached fakes.</summary>
    protected DiscriminatorVerdict DiscriminatorStep(Tensor real, Tensor fake)
    {
        Discriminator.SetParametersTrainable(true);
        OptD.ZeroGrad();
        var realSeen = SeenByDiscriminator(real);
        var realLogits = Discriminator.Forward(realSeen);
        var fakeLogits = Discriminator.Forward(SeenByDiscriminator(fake.Detach()));
        var loss = AdversarialLoss.Discriminator(realLogits, fakeLogits);
        loss.Backward();
        var penalty = DiscriminatorPenalty(realSeen);
        OptD.Step();
        return new DiscriminatorVerdict(loss, realLogits, fakeLogits, penalty);
    }

    /// <summary>
    /// Starts G's step: D's weights frozen (only the gradient through its input is needed), G's
    /// gradients cleared; returns the adversarial term of G's loss on <paramref name="fake"/>.
    /// </summary>
    protected Tensor BeginGeneratorStep(Tensor fake)
    {
        Discriminator.SetParametersTrainable(false);
        OptG.ZeroGrad();
        return AdversarialLoss.Generator(Discriminator.Forward(SeenByDiscriminator(fake)));
    }

    /// <summary>Ends G's step on its total loss: backward, G's optimizer, D and MINE trainable again, the EMA, the step counter.</summary>
    protected void EndGeneratorStep(Tensor lossG, int batch)
    {
        lossG.Backward();
        OptG.Step();
        Discriminator.SetParametersTrainable(true);
        foreach (var (_, network) in _mineNetworks) network.SetParametersTrainable(true);
        Ema.Update(batch);
        Step++;
    }

    /// <summary>Step statistics staged on the device by <see cref="StageStep"/>, read back when drained.</summary>
    public StepStatsQueue Stats { get; }

    /// <summary>
    /// One D step and one G step on a batch of real images [N, 3, S, S] in [-1, 1]; the step's
    /// statistics are staged in <see cref="Stats"/>, not read back, so nothing here waits for the device.
    /// </summary>
    public abstract void StageStep(Tensor real);

    /// <summary><see cref="StageStep"/>, then this step's statistics read back (a wait for the device; the training loop stages instead).</summary>
    public GanStepStats TrainStep(Tensor real)
    {
        StageStep(real);
        return Stats.Drain()[^1];
    }

    /// <summary>Stages the step's statistics: device scalars in column order, then values the host knows.</summary>
    protected void StageStats(GanStepColumns columns, float[] hostTail, params Tensor[] scalars) => Stats.Stage(Step, columns, hostTail, scalars);
}
