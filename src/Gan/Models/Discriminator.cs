using KernelGan.Kernels;
using KernelGan.Nn;

namespace KernelGan.Gan.Models;

/// <summary>
/// DCGAN discriminator: stride-2 Conv(k4, p1) + LeakyReLU(0.2) stages doubling the channels
/// down to 4x4, then Conv(k4, s1, p0) to one logit per image. Optional spectral norm.
/// </summary>
public sealed class Discriminator : Module
{
    private readonly List<Conv2d> _convs = new();

    public Discriminator(IBackend backend, Rng rng, Architecture arch, int inChannels = 3, bool patchLogits = false)
    {
        PatchLogits = patchLogits;
        int channels = arch.DiscriminatorWidth;
        int inC = inChannels;
        for (int stage = 0; stage < arch.Stages; stage++)
        {
            var conv = AddChild($"down{stage}", new Conv2d(backend, rng, inC, channels, 4, 2, 1));
            if (arch.SpectralNorm) conv.WithSpectralNorm(rng);
            _convs.Add(conv);
            inC = channels;
            channels *= 2;
        }
        // StyleGAN's minibatch standard deviation, one channel more into the head (the style preset).
        StdDev = arch.DiscriminatorStdDev;
        if (StdDev) inC += 1;
        // Global head: one logit from the 4x4 map. Patch head: one logit per cell of that map, so
        // local artifacts (seams where layers meet) get their own gradient signal (PatchGAN).
        var head = AddChild("out", patchLogits ? new Conv2d(backend, rng, inC, 1, 3, 1, 1) : new Conv2d(backend, rng, inC, 1, 4, 1, 0));
        if (arch.SpectralNorm) head.WithSpectralNorm(rng);
        _convs.Add(head);
        DcganInit.Apply(this, rng);
    }

    public bool PatchLogits { get; }

    /// <summary>The head also sees <see cref="MinibatchStdDev"/>'s channel.</summary>
    public bool StdDev { get; }

    /// <summary>Logits: [N] with the global head, [N, 16] with the patch head.</summary>
    public Tensor Forward(Tensor images)
    {
        var x = images;
        for (int i = 0; i < _convs.Count - 1; i++) x = Ops.LeakyRelu(_convs[i].Forward(x), 0.2f);
        if (StdDev) x = MinibatchStdDev.Append(x);
        var logits = _convs[^1].Forward(x);
        return PatchLogits ? Ops.Reshape(logits, logits.Shape[0], -1) : Ops.Reshape(logits, logits.Shape[0]);
    }
}
