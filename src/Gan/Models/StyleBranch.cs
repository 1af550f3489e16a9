using KernelGan.Kernels;
using KernelGan.Nn;

namespace KernelGan.Gan.Models;

/// <summary>
/// A reduced StyleGAN2 generator for one layer (the official ILSGAN code's generator, scaled for a
/// CPU): z is normalized and mapped by <see cref="MappingLayers"/> equalized fully connected layers
/// (learning rate x0.01) to a style w; synthesis starts from a learned 4x4 constant, and each
/// resolution has modulated 3x3 convolutions (two after each nearest-neighbour upsampling) and a
/// toRGB whose outputs are summed across resolutions (the skip generator). No batch norm, so each
/// sample depends on its own z only, in training and sampling alike.
/// Left out, on purpose: per-pixel noise inputs (a layer here is a function of its z, which the
/// segmenter's pairs, truncation and the independence term's estimates rely on), the FIR blur
/// around upsampling, and style mixing.
/// </summary>
public sealed class StyleBranch : LayerBranch
{
    public const int MappingLayers = 4;
    private const float MappingLrMul = 0.01f;
    private static readonly float ActivationGain = MathF.Sqrt(2f);

    private readonly List<EqualizedLinear> _mapping = new();
    private readonly List<ModulatedConv> _convs = new();
    private readonly List<ModulatedConv> _toRgb = new();

    public StyleBranch(IBackend backend, Rng rng, Architecture arch, int outChannels)
    {
        int l = arch.LatentDim;
        for (int i = 0; i < MappingLayers; i++)
            _mapping.Add(AddChild($"map{i}", new EqualizedLinear(backend, rng, l, l, MappingLrMul)));
        int c0 = Channels(arch, 0);
        Constant = AddParameter("const", Init.Normal(rng, [1, c0, 4, 4], 0f, 1f, backend));
        _convs.Add(AddChild("b4.conv", new ModulatedConv(backend, rng, l, c0, c0, 3, demodulate: true)));
        _toRgb.Add(AddChild("b4.torgb", new ModulatedConv(backend, rng, l, c0, outChannels, 1, demodulate: false)));
        for (int stage = 1; stage <= arch.Stages; stage++)
        {
            int cin = Channels(arch, stage - 1), cout = Channels(arch, stage), res = 4 << stage;
            _convs.Add(AddChild($"b{res}.conv0", new ModulatedConv(backend, rng, l, cin, cout, 3, demodulate: true)));
            _convs.Add(AddChild($"b{res}.conv1", new ModulatedConv(backend, rng, l, cout, cout, 3, demodulate: true)));
            _toRgb.Add(AddChild($"b{res}.torgb", new ModulatedConv(backend, rng, l, cout, outChannels, 1, demodulate: false)));
        }
    }

    /// <summary>Channels at 4x4 and the first upsampled stage are the architecture's base; each stage after halves them (small at 32 px: 64, 64, 32, 16).</summary>
    public static int Channels(Architecture arch, int stage) => arch.GeneratorBaseChannels >> Math.Max(0, stage - 1);

    public Tensor Constant { get; }

    /// <summary>The last toRGB's bias: the final addend of every output channel.</summary>
    public override Tensor OutputBias => _toRgb[^1].Bias;

    public override Tensor Forward(Tensor z)
    {
        var w = z * Ops.Reciprocal(Ops.Sqrt(Ops.Mean(Ops.Square(z), [1], keepDims: true) + 1e-8f));
        foreach (var layer in _mapping) w = Activate(layer.Forward(w));

        var x = Activate(_convs[0].Forward(Constant, w));
        var rgb = _toRgb[0].Forward(x, w);
        for (int stage = 1; stage < _toRgb.Count; stage++)
        {
            x = Ops.UpsampleNearest(x, 2);
            x = Activate(_convs[2 * stage - 1].Forward(x, w));
            x = Activate(_convs[2 * stage].Forward(x, w));
            rgb = Ops.UpsampleNearest(rgb, 2) + _toRgb[stage].Forward(x, w);
        }
        return rgb;
    }

    /// <summary>Leaky ReLU with StyleGAN's gain sqrt(2), which keeps unit variance through the layer.</summary>
    private static Tensor Activate(Tensor x) => Ops.Affine(Ops.LeakyRelu(x, 0.2f), ActivationGain, 0f);
}
