using KernelGan.Kernels;
using KernelGan.Nn;

namespace KernelGan.Gan.Models;

/// <summary>
/// StyleGAN's fully connected layer with an equalized learning rate: the weight is stored as
/// N(0, 1 / lrMul) and scaled by lrMul / sqrt(in) when used, so every layer's effective step is
/// the same under Adam whatever its fan-in, and a layer with lrMul below 1 (the mapping network's
/// 0.01) learns that much more slowly.
/// </summary>
public sealed class EqualizedLinear : Layer
{
    private readonly float _weightGain, _lrMul;

    public EqualizedLinear(IBackend backend, Rng rng, int inFeatures, int outFeatures, float lrMul = 1f, float biasInit = 0f)
    {
        _lrMul = lrMul;
        _weightGain = lrMul / MathF.Sqrt(inFeatures);
        Weight = AddParameter("weight", Init.Normal(rng, [outFeatures, inFeatures], 0f, 1f / lrMul, backend));
        Bias = AddParameter("bias", Init.Constant([outFeatures], biasInit / lrMul, backend));
    }

    public Tensor Weight { get; }
    public Tensor Bias { get; }

    public override Tensor Forward(Tensor x) => Ops.Linear(x, Ops.Affine(Weight, _weightGain, 0f), Ops.Affine(Bias, _lrMul, 0f));
}
