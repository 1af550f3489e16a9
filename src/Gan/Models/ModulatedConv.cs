using KernelGan.Kernels;
using KernelGan.Nn;

namespace KernelGan.Gan.Models;

/// <summary>
/// StyleGAN2's modulated convolution, written with a shared weight instead of a grouped one:
/// y = conv(x * s, W) * d + b, where s [N, in] is an affine map of the style w, and the
/// demodulation d[n, o] = 1 / sqrt(sum_i s[n,i]^2 * sum_k W[o,i,k]^2 + 1e-8) gives each output
/// unit variance for unit-variance input. This equals convolving each sample with its own
/// weight W[o,i,k] * s[n,i] * d[n,o], which is how the paper states it, with one batched conv.
/// The 1x1 output convolution (toRGB) modulates without demodulating.
/// </summary>
public sealed class ModulatedConv : Module
{
    private readonly float _weightGain;

    public ModulatedConv(IBackend backend, Rng rng, int styleDim, int inChannels, int outChannels, int kernel, bool demodulate)
    {
        Demodulate = demodulate;
        Kernel = kernel;
        _weightGain = 1f / MathF.Sqrt(inChannels * kernel * kernel);
        Affine = AddChild("affine", new EqualizedLinear(backend, rng, styleDim, inChannels, biasInit: 1f));
        Weight = AddParameter("weight", Init.Normal(rng, [outChannels, inChannels, kernel, kernel], 0f, 1f, backend));
        Bias = AddParameter("bias", Init.Constant([outChannels], 0f, backend));
    }

    public bool Demodulate { get; }
    public int Kernel { get; }
    public EqualizedLinear Affine { get; }
    public Tensor Weight { get; }
    public Tensor Bias { get; }

    /// <param name="x">[N, in, H, W], or [1, in, H, W] to be broadcast over the batch (a learned constant input).</param>
    /// <param name="style">[N, styleDim].</param>
    public Tensor Forward(Tensor x, Tensor style)
    {
        int n = style.Shape[0], inChannels = Weight.Shape[1], outChannels = Weight.Shape[0];
        var s = Affine.Forward(style);
        var w = Ops.Affine(Weight, _weightGain, 0f);
        var y = Ops.Conv2d(x * Ops.Reshape(s, n, inChannels, 1, 1), w, null, 1, Kernel / 2);
        if (Demodulate)
        {
            var energy = Ops.MatMul(Ops.Square(s), Ops.Sum(Ops.Square(w), [2, 3]), transB: true) + 1e-8f;
            y = y * Ops.Reshape(Ops.Reciprocal(Ops.Sqrt(energy)), n, outChannels, 1, 1);
        }
        return y + Ops.Reshape(Bias, 1, outChannels, 1, 1);
    }
}
