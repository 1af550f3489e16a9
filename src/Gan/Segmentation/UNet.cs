using KernelGan.Kernels;
using KernelGan.Nn;

namespace KernelGan.Gan.Segmentation;

/// <summary>
/// A compact U-Net (Ronneberger et al. 2015) for binary segmentation: two 3x3 conv+BN+ReLU per
/// level, average-pool down, nearest-upsample + conv up, skip connections by channel concat, and
/// a 1x1 conv to one logit per pixel and output channel (one for a mask). The up path upsamples and concatenates the skip
/// before its conv block (no separate up-convolution), which keeps the full-resolution levels cheap.
/// </summary>
public sealed class UNet : Module
{
    private readonly List<ConvBlock> _down = new();
    private readonly List<ConvBlock> _up = new();
    private readonly ConvBlock _bottom;
    private readonly Conv2d _head;

    public UNet(IBackend backend, Rng rng, int inChannels = 3, int width = 16, int depth = 3, int outChannels = 1)
    {
        Width = width;
        Depth = depth;
        int c = inChannels;
        for (int level = 0; level < depth; level++)
        {
            int next = width << level;
            _down.Add(AddChild($"down{level}", new ConvBlock(backend, rng, c, next)));
            c = next;
        }
        _bottom = AddChild("bottom", new ConvBlock(backend, rng, c, width << depth));
        c = width << depth;
        for (int level = depth - 1; level >= 0; level--)
        {
            int skip = width << level;
            _up.Add(AddChild($"up{level}", new ConvBlock(backend, rng, c + skip, skip)));
            c = skip;
        }
        _head = AddChild("head", new Conv2d(backend, rng, c, outChannels, 1));
    }

    public int Width { get; }
    public int Depth { get; }

    // The layers in the order Forward applies them, for the ONNX exporter (src/Gan/Onnx/Export/).
    internal IReadOnlyList<ConvBlock> DownBlocks => _down;
    internal ConvBlock Bottom => _bottom;
    internal IReadOnlyList<ConvBlock> UpBlocks => _up;
    internal Conv2d Head => _head;

    /// <summary>Logits [N, outChannels, H, W] (one mask per channel) for images [N, C, H, W] (H, W divisible by 2^depth).</summary>
    public Tensor Forward(Tensor x)
    {
        int factor = 1 << Depth;
        if (x.Shape[2] % factor != 0 || x.Shape[3] % factor != 0)
            throw new ShapeException($"unet: image {x.Shape[2]}x{x.Shape[3]} must be divisible by {factor}");
        var skips = new List<Tensor>();
        foreach (var block in _down)
        {
            x = block.Forward(x);
            skips.Add(x);
            x = Ops.AvgPool2d(x, 2);
        }
        x = _bottom.Forward(x);
        for (int i = 0; i < _up.Count; i++)
            x = _up[i].Forward(Ops.Concat(1, Ops.UpsampleNearest(x, 2), skips[^(i + 1)]));
        return _head.Forward(x);
    }

    /// <summary>Two 3x3 conv + BN + ReLU.</summary>
    internal sealed class ConvBlock : Module
    {
        private readonly Conv2d _c1, _c2;
        private readonly BatchNorm2d _n1, _n2;

        internal (Conv2d Conv, BatchNorm2d Norm) First => (_c1, _n1);
        internal (Conv2d Conv, BatchNorm2d Norm) Second => (_c2, _n2);

        public ConvBlock(IBackend backend, Rng rng, int inChannels, int outChannels)
        {
            _c1 = AddChild("c1", new Conv2d(backend, rng, inChannels, outChannels, 3, 1, 1, bias: false));
            _n1 = AddChild("n1", new BatchNorm2d(backend, outChannels));
            _c2 = AddChild("c2", new Conv2d(backend, rng, outChannels, outChannels, 3, 1, 1, bias: false));
            _n2 = AddChild("n2", new BatchNorm2d(backend, outChannels));
        }

        public Tensor Forward(Tensor x) => Ops.Relu(_n2.Forward(_c2.Forward(Ops.Relu(_n1.Forward(_c1.Forward(x))))));
    }
}
