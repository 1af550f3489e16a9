using KernelGan.Kernels;
namespace KernelGan.Nn;

/// <summary>2-D convolution layer, weight [Cout, Cin, k, k].</summary>
public sealed class Conv2d : Layer
{
    public Conv2d(IBackend backend, Rng rng, int inChannels, int outChannels, int kernel, int stride = 1, int padding = 0, bool bias = true)
    {
        Stride = stride;
        Padding = padding;
        int fanIn = inChannels * kernel * kernel;
        Weight = AddParameter("weight", Init.FanInUniform(rng, [outChannels, inChannels, kernel, kernel], fanIn, backend));
        Bias = bias ? AddParameter("bias", Init.FanInUniform(rng, [outChannels], fanIn, backend)) : null;
    }

    public int Stride { get; }
    public int Padding { get; }
    public Tensor Weight { get; }
    public Tensor? Bias { get; }
    public SpectralNorm? SpectralNorm { get; private set; }

    public Conv2d WithSpectralNorm(Rng rng)
    {
        SpectralNorm = AddChild("sn", new SpectralNorm(rng, Weight));
        return this;
    }

    public override Tensor Forward(Tensor x) =>
        Ops.Conv2d(x, SpectralNorm?.Normalize(Weight, Training) ?? Weight, Bias, Stride, Padding);
}

/// <summary>Transposed 2-D convolution layer, weight [Cin, Cout, k, k] (PyTorch's layout).</summary>
public sealed class ConvTranspose2d : Layer
{
    public ConvTranspose2d(IBackend backend, Rng rng, int inChannels, int outChannels, int kernel, int stride = 1, int padding = 0, bool bias = true)
    {
        Stride = stride;
        Padding = padding;
        // PyTorch computes fan-in from dim 1 of this weight: outChannels * k * k.
        int fanIn = outChannels * kernel * kernel;
        Weight = AddParameter("weight", Init.FanInUniform(rng, [inChannels, outChannels, kernel, kernel], fanIn, backend));
        Bias = bias ? AddParameter("bias", Init.FanInUniform(rng, [outChannels], fanIn, backend)) : null;
    }

    public int Stride { get; }
    public int Padding { get; }
    public Tensor Weight { get; }
    public Tensor? Bias { get; }

    public override Tensor Forward(Tensor x) => Ops.ConvTranspose2d(x, Weight, Bias, Stride, Padding);
}
