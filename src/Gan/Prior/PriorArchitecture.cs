using KernelGan.Gan.Models;

namespace KernelGan.Gan.Prior;

/// <summary>
/// Shape of the independence-prior model: a canvas of <see cref="CanvasSize"/> pixels made of
/// <see cref="Slots"/> instances from <see cref="Providers"/> category-specific providers (slots
/// are dealt to providers in equal, contiguous blocks; slots of one provider share its weights
/// and draw independent noise), each generated at <see cref="CanonicalSize"/> and placed by the
/// layout module within <see cref="Pose"/>, over a deliberately limited background.
/// </summary>
public sealed record PriorArchitecture
{
    public int CanvasSize { get; init; } = 64;
    public int CanonicalSize { get; init; } = 32;
    public int Slots { get; init; } = 1;
    public int Providers { get; init; } = 1;
    public int LatentDim { get; init; } = 64;
    public int ProviderWidth { get; init; } = 16;

    /// <summary>
    /// The background provider's coarse grid (G x G colours, smoothly upsampled) and the cap on its
    /// full-resolution detail (0 = none); see <see cref="BackgroundProvider"/> for why it is limited.
    /// </summary>
    public int BackgroundGrid { get; init; } = 3;
    public float BackgroundDetail { get; init; } = 0f;
    public int BackgroundWidth { get; init; } = 8;
    public int DiscriminatorWidth { get; init; } = 32;

    /// <summary>
    /// The layout module sees the instance each slot places (<see cref="LayoutModule.Describe"/>),
    /// not only noise. Old config.json files lack it: false, the blind layout they were trained with.
    /// </summary>
    public bool LayoutSeesInstance { get; init; }

    /// <summary>Initial bias of every provider's mask logit; see <see cref="InstanceProvider"/>.</summary>
    public float InitialMaskLogit { get; init; } = -2f;
    public required PoseRanges Pose { get; init; }

    public int SlotsPerProvider => Slots / Providers;

    public void Validate()
    {
        static bool PowerOfTwo(int v) => v >= 8 && (v & (v - 1)) == 0;
        if (!PowerOfTwo(CanvasSize) || CanvasSize > 128) throw new ArgumentException($"canvas size must be 8..128 and a power of two, got {CanvasSize}");
        if (!PowerOfTwo(CanonicalSize) || CanonicalSize > CanvasSize) throw new ArgumentException($"instance size must be a power of two from 8 to the canvas size, got {CanonicalSize}");
        if (BackgroundGrid < 1 || BackgroundGrid > CanvasSize) throw new ArgumentException($"background grid must be 1..{CanvasSize}, got {BackgroundGrid}");
        if (!(BackgroundDetail >= 0) || BackgroundDetail > 1) throw new ArgumentException($"background detail amplitude must be in [0, 1], got {BackgroundDetail}");
        if (Slots < 1 || Slots > 16) throw new ArgumentException($"instances per image must be 1..16, got {Slots}");
        if (Providers < 1 || Slots % Providers != 0) throw new ArgumentException($"{Providers} providers cannot share {Slots} instance slots equally");
        if (CanvasSize < 16) throw new ArgumentException("the discriminator needs a canvas of at least 16 pixels");
        Pose.Validate();
    }

    /// <summary>The discriminator: DCGAN at the canvas size with spectral norm on every conv.</summary>
    public Architecture DiscriminatorArchitecture => new("prior-d", CanvasSize, 0, 0, DiscriminatorWidth, SpectralNorm: true);
}
