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

    /// <summary>
    /// The background for box-level data (`train --boxes`): a full generator branch (detail 1) that
    /// can paint a photo's texture, held off the object by the background critic, which has seen only
    /// what lies outside the boxes. Without the critic, the same branch took the object (IoU
    /// 0.014-0.717); with it, on devset/centric/box, the paper's protocol rose from 0.768 to 0.799
    /// (mean of three seeds, 6000 steps each) and the weakest seed's 30-minute job cleared 0.90
    /// (docs/independence-prior.md, "The background critic as the default"). The 2x2 colour ramp of
    /// <see cref="Prior"/> stays for the prior on whole images, where no window is known to be
    /// background.
    /// </summary>
    public static PriorConfig WithBackgroundCritic(PriorConfig prior) => prior with
    {
        Architecture = prior.Architecture with { BackgroundDetail = 1f },
        BackgroundAdversaryWeight = 1f,
    };
}
