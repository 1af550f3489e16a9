using KernelGan.Gan.Losses;
using KernelGan.Gan.Models;
using KernelGan.Gan.Training;
using KernelGan.Kernels;
using KernelGan.Nn.Optim;

namespace KernelGan.Gan.Prior;

/// <summary>
/// A second critic that sees the background layer alone and compares it with real background
/// (<see cref="BackgroundPatchBank"/>: windows of the training scenes outside every box). A
/// background strong enough to paint a photo's texture (--bg-detail) can also paint the object,
/// and then the instance has nothing left to do (docs/independence-prior.md, BX3-BX6); this
/// critic has never seen an object, so a background that draws one looks fake to it, while the
/// composite's critic still needs the object in the picture: only the instance can put it there.
/// The critic is the prior's D (same shape, spectral norm, logistic loss), with its own Adam.
/// </summary>
public sealed class BackgroundAdversary
{
    private readonly PriorConfig _config;
    private readonly IBackend _backend;

    public BackgroundAdversary(PriorConfig config, IBackend backend)
    {
        _config = config;
        _backend = backend;
        // Its own init stream, so that runs without it keep the weights their seed always named.
        Critic = new Discriminator(backend, new Rng(config.Seed ^ 0xB6C0_0000UL), config.Architecture.DiscriminatorArchitecture);
        Optimizer = new Adam(Critic.Parameters(), config.LearningRateD, config.Beta1, config.Beta2);
    }

    public Discriminator Critic { get; }
    public Adam Optimizer { get; }

    /// <summary>The real background it learns from; set before the first step (<see cref="PriorRun"/> builds it from the training scenes).</summary>
    public BackgroundPatchBank? Patches { get; set; }

    /// <summary>The critic's step: logistic loss on a batch of real patches and the detached backgrounds; returns the loss.</summary>
    public Tensor CriticStep(Tensor background, long step)
    {
        var bank = Patches ?? throw new InvalidOperationException("the background adversary has no real background patches: set Patches before training");
        int batch = background.Shape[0], size = bank.Size;
        if (background.Shape[2] != size) throw new ShapeException($"background {Shape.Format(background.Shape)} against patches of {size} px");
        var real = Tensor.FromArray(bank.Batch(batch, _config.Seed, step), [batch, 3, size, size], _backend);
        Critic.SetParametersTrainable(true);
        Optimizer.ZeroGrad();
        var loss = AdversarialLoss.Discriminator(Critic.Forward(real), Critic.Forward(background.Detach()));
        loss.Backward();
        Optimizer.Step();
        return loss;
    }

    /// <summary>G's term: the critic's non-saturating loss on the background, its weights frozen until <see cref="Unfreeze"/>.</summary>
    public Tensor GeneratorTerm(Tensor background)
    {
        Critic.SetParametersTrainable(false);
        return AdversarialLoss.Generator(Critic.Forward(background));
    }

    /// <summary>After G's backward: the critic's weights take gradients again.</summary>
    public void Unfreeze() => Critic.SetParametersTrainable(true);

    public IEnumerable<(string Name, Tensor Value)> StateTensors() =>
        TrainerCheckpoint.Prefixed(("critic.", Critic.StateTensors()), ("opt.", Optimizer.StateTensors()));
}
