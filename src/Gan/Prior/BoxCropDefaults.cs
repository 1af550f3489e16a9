namespace KernelGan.Gan.Prior;

/// <summary>
/// The independence prior's settings for a `kernelgan train --model prior` run (usually box crops);
/// the run itself is a <see cref="Training.RunConfig{TGan}"/> of <see cref="PriorConfig"/>.
/// </summary>
public static class BoxCropDefaults
{
    /// <summary>
    /// Defaults for box crops: one instance per crop (the boxed object), generated at the canvas
    /// size so it is not upscaled, posed near the centre (the crop is centred on the box and 1.5x
    /// its longer side, so the object spans about two thirds of it) with a little rotation,
    /// aspect change and shear.
    /// </summary>
    public static PriorConfig Prior(int size, int slots, ulong seed) => new()
    {
        Architecture = new PriorArchitecture
        {
            CanvasSize = size,
            CanonicalSize = size,
            Slots = slots,
            Providers = 1,
            LatentDim = 64,
            ProviderWidth = 16,
            // 2x2, i.e. a bilinear colour ramp: box crops are centred on the object, so any grid
            // with a middle cell could paint a centred blob of the object's colour and leave only
            // its details to the instance (seen with 4x4: masks covered the stripes only).
            BackgroundGrid = 2,
            // D dominates the step's cost; at 64 px half width keeps a step near ILSGAN's small preset.
            DiscriminatorWidth = size >= 64 ? 16 : 32,
            Pose = new PoseRanges(MinScale: 0.5f, MaxScale: 1.2f, MaxTranslation: 0.2f, MaxRotationDegrees: 30f, MaxLogAspect: 0.3f, MaxShear: 0.2f),
        },
        AreaWeight = 2f,
        Seed = seed,
    };
}
