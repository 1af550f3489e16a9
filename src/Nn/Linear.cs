using KernelGan.Kernels;
namespace KernelGan.Nn;

/// <summary>y = x W^T + b with W [out, in] (PyTorch's layout).</summary>
public sealed class Linear : Layer
{
    public Linear(IBackend backend, Rng rng, int inFeatures, int outFeatures, bool bias = true)
    {
        Weight = AddParameter("weight", Init.FanInUniform(rng, [outFeatures, inFeatures], inFeatures, backend));
        Bias = bias ? AddParameter("bias", Init.FanInUniform(rng, [outFeatures], inFeatures, backend)) : null;
    }

    public Tensor Weight { get; }
    public Tensor? Bias { get; }

    /// <summary>Optional reparametrization of the weight (spectral norm).</summary>
    public SpectralNorm? SpectralNorm { get; private set; }

    public Linear WithSpectralNorm(Rng rng)
    {
        SpectralNorm = AddChild("sn", new SpectralNorm(rng, Weight));
        return this;
    }

    public override Tensor Forward(Tensor x) => Ops.Linear(x, SpectralNorm?.Normalize(Weight, Training) ?? Weight, Bias);
}
