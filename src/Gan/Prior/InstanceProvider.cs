using KernelGan.Gan.Models;
using KernelGan.Kernels;
namespace KernelGan.Gan.Prior;

/// <summary>One instance at its canonical pose: appearance in [-1, 1] [M,3,c,c], soft mask in [0, 1] [M,1,c,c].</summary>
public sealed record CanonicalInstance(Tensor Appearance, Tensor Mask);

/// <summary>
/// An instance provider of the independence-prior model: a DCGAN branch that turns its own noise
/// into one instance image plus a soft mask at a canonical pose (centred in a c x c frame). The
/// mask is multiplied by a fixed window that falls to zero at the frame's rim, so an instance
/// stays inside its frame: without it a provider could paint a frame-filling square and let the
/// layout module's scale do the rest, which the area penalty alone would not forbid.
/// </summary>
public sealed class InstanceProvider : Nn.Module
{
    private readonly Tensor _window;

    public InstanceProvider(IBackend backend, Rng rng, int canonicalSize, int latentDim, int width, float initialMaskLogit = 0f)
    {
        Architecture = new Architecture("instance", canonicalSize, latentDim, width, 0, SpectralNorm: false);
        if (Architecture.Stages < 1 || (1 << (Architecture.Stages + 2)) != canonicalSize)
            throw new ArgumentException($"instance size must be a power of two of at least 8, got {canonicalSize}");
        Branch = AddChild("branch", new GeneratorBranch(backend, rng, Architecture, 4));
        // Masks start nearly empty (sigmoid(-2) = 0.12): the background then learns the image's
        // majority first, and instances grow where it cannot explain the image. Starting at 0.5
        // leaves the two readings of a two-tone scene (dark objects on light ground, or light
        // "objects" with holes over dark ground) equally likely, and training can settle on either.
        var outBias = Branch.NamedParameters().Single(p => p.Name == "out.bias").Value;
        outBias.Backend.Upload([initialMaskLogit], outBias.Buffer, 3);
        using (TensorScope.Suspend()) _window = Tensor.FromArray(RimWindow(canonicalSize), [1, 1, canonicalSize, canonicalSize], backend);
    }

    public Architecture Architecture { get; }
    public GeneratorBranch Branch { get; }
    public int CanonicalSize => Architecture.ImageSize;
    public int LatentDim => Architecture.LatentDim;

    public CanonicalInstance Forward(Tensor z)
    {
        var output = Branch.Forward(z);
        var appearance = Ops.Tanh(Ops.Narrow(output, 1, 0, 3));
        var mask = Ops.Sigmoid(Ops.Narrow(output, 1, 3, 1)) * _window;
        return new CanonicalInstance(appearance, mask);
    }

    /// <summary>1 inside radius 0.8 of the frame (normalized), falling linearly to 0 at radius 1 and beyond.</summary>
    internal static float[] RimWindow(int size)
    {
        var w = new float[size * size];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                float u = (2f * x + 1f) / size - 1f, v = (2f * y + 1f) / size - 1f;
                float r = MathF.Sqrt(u * u + v * v);
                w[y * size + x] = Math.Clamp((1f - r) / 0.2f, 0f, 1f);
            }
        return w;
    }
}
