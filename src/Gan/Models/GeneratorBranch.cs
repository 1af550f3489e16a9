using KernelGan.Kernels;
using KernelGan.Nn;

namespace KernelGan.Gan.Models;

/// <summary>
/// One DCGAN-style layer generator: z [N, zDim] as [N, zDim, 1, 1] -> ConvT(k4, s1, p0) to 4x4,
/// then stride-2 ConvT+BN+ReLU stages halving the channels, and a final ConvT to the output
/// channels (no activation: the caller applies tanh/sigmoid per channel group).
/// </summary>
public sealed class GeneratorBranch : LayerBranch
{
    private readonly List<(ConvTranspose2d Conv, BatchNorm2d? Norm)> _layers = new();

    public GeneratorBranch(IBackend backend, Rng rng, Architecture arch, int outChannels)
    {
        int channels = arch.GeneratorBaseChannels;
        _layers.Add((AddChild("in", new ConvTranspose2d(backend, rng, arch.LatentDim, channels, 4, 1, 0, bias: false)),
                     AddChild("in_bn", new BatchNorm2d(backend, channels))));
        for (int stage = 1; stage < arch.Stages; stage++)
        {
            var conv = AddChild($"up{stage}", new ConvTranspose2d(backend, rng, channels, channels / 2, 4, 2, 1, bias: false));
            channels /= 2;
            _layers.Add((conv, AddChild($"up{stage}_bn", new BatchNorm2d(backend, channels))));
        }
        _layers.Add((AddChild("out", new ConvTranspose2d(backend, rng, channels, outChannels, 4, 2, 1, bias: true)), null));
        DcganInit.Apply(this, rng);
    }

    /// <summary>The transposed convs in order, each with the batch norm (then ReLU) after it; the last has none. For the ONNX exporter.</summary>
    internal IReadOnlyList<(ConvTranspose2d Conv, BatchNorm2d? Norm)> Layers => _layers;

    /// <summary>Bias of the last layer, one per output channel.</summary>
    public override Tensor OutputBias => _layers[^1].Conv.Bias!;

    public override Tensor Forward(Tensor z)
    {
        var x = Ops.Reshape(z, z.Shape[0], z.Shape[1], 1, 1);
        foreach (var (conv, norm) in _layers)
        {
            x = conv.Forward(x);
            if (norm is not null) x = Ops.Relu(norm.Forward(x));
        }
        return x;
    }
}

/// <summary>DCGAN's initialization: conv weights N(0, 0.02), batch-norm scales N(1, 0.02), shifts 0.</summary>
public static class DcganInit
{
    public static void Apply(Module module, Rng rng)
    {
        foreach (var (name, p) in module.NamedParameters())
        {
            Tensor? fresh = null;
            if (name.EndsWith("_bn.weight")) fresh = Init.Normal(rng, p.Shape, 1f, 0.02f, p.Backend);
            else if (name.EndsWith(".weight") && p.Rank == 4) fresh = Init.Normal(rng, p.Shape, 0f, 0.02f, p.Backend);
            else if (name.EndsWith(".bias")) fresh = Init.Constant(p.Shape, 0f, p.Backend);
            if (fresh is null) continue;
            p.CopyFrom(fresh);
            fresh.Dispose();
        }
    }
}
