using KernelGan.Nn;

namespace KernelGan.Gan.Models;

/// <summary>
/// One layer's generator: z [N, L] to an image of raw channels [N, C, S, S] (the caller applies
/// tanh to colour and sigmoid to a mask logit). Two shapes exist: <see cref="GeneratorBranch"/>
/// (DCGAN) and <see cref="StyleBranch"/> (StyleGAN2's, reduced).
/// </summary>
public abstract class LayerBranch : Module
{
    public abstract Tensor Forward(Tensor z);

    /// <summary>The bias added last to each output channel; setting it sets that channel's starting level.</summary>
    public abstract Tensor OutputBias { get; }

    /// <summary>The branch <paramref name="arch"/> asks for.</summary>
    public static LayerBranch For(KernelGan.Kernels.IBackend backend, Rng rng, Architecture arch, int outChannels) =>
        arch.StyleGenerator ? new StyleBranch(backend, rng, arch, outChannels) : new GeneratorBranch(backend, rng, arch, outChannels);
}
