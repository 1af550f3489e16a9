namespace KernelGan.Gan.Models;

/// <summary>
/// Size and width of the layered GAN. <c>ref64</c> is the reference model of DESIGN.md that
/// benchmarks compare against; the presets scale it for other image sizes and capacities.
/// </summary>
public sealed record Architecture(string Name, int ImageSize, int LatentDim, int GeneratorWidth, int DiscriminatorWidth, bool SpectralNorm,
                                  bool StyleGenerator = false, bool DiscriminatorStdDev = false)
{
    /// <summary>Channels of the generator's 4x4 stage; each upsampling stage halves them.</summary>
    public int GeneratorBaseChannels => GeneratorWidth * (1 << (Stages - 1));

    /// <summary>Stride-2 stages between 4x4 and the image size (ref64: 4 -> 8 -> 16 -> 32 -> 64).</summary>
    public int Stages => (int)Math.Round(Math.Log2(ImageSize)) - 2;

    public static readonly string[] PresetNames = ["auto", "ref64", "small", "wide", "style"];

    /// <summary>
    /// A preset at the given image size (32, 64 or 128). "auto" picks by size: small at 32 (what a
    /// CPU can train long enough in minutes), ref64 at 64, wide at 128.
    /// </summary>
    public static Architecture Preset(string name, int imageSize)
    {
        if (imageSize is not (32 or 64 or 128))
            throw new ArgumentException($"--size must be 32, 64 or 128, got {imageSize}");
        if (name == "auto") name = imageSize switch { 32 => "small", 64 => "ref64", _ => "wide" };
        return name switch
        {
            // DESIGN.md's reference: G 256-128-64-32 at 64x64, D 32-64-128-256, z = 128 per layer.
            "ref64" => new Architecture(name, imageSize, 128, 32, 32, SpectralNorm: false),
            // Half width: for quick experiments and tests.
            "small" => new Architecture(name, imageSize, 64, 16, 16, SpectralNorm: false),
            // Twice the width, spectral norm in D: for harder, real-photo data.
            "wide" => new Architecture(name, imageSize, 128, 64, 64, SpectralNorm: true),
            // small's widths, with StyleGAN2's generator shape (StyleBranch) for each layer (a mapping
            // network, modulated convolutions, no batch norm) and its D's minibatch standard deviation.
            "style" => new Architecture(name, imageSize, 64, 16, 16, SpectralNorm: false, StyleGenerator: true, DiscriminatorStdDev: true),
            _ => throw new ArgumentException($"unknown architecture '{name}' (expected one of: {string.Join(", ", PresetNames)})"),
        };
    }
}
