namespace KernelGan.Gan.Training;

/// <summary>
/// The random streams a run derives from its one seed, each use its own, so that changing how
/// many numbers one use draws never shifts another. The derivations are fixed: checkpoints (which
/// store the noise stream's offset) and every recorded result depend on them.
/// </summary>
public static class SeedStreams
{
    // Trainer noise seeds are spread by a prime, so neighbouring run seeds (1, 2, ...) do not give
    // neighbouring streams, and offset per method, so ILSGAN and the prior never share one.
    private const ulong Spread = 1000003UL;

    /// <summary>The ILSGAN trainer's noise: latents, shifts, batch permutations.</summary>
    public static ulong IlsganNoise(ulong seed) => seed * Spread + 17;

    /// <summary>The ILSGAN trainer's augmentation of D's inputs (its own stream, so turning it on leaves every other draw as it was).</summary>
    public static ulong IlsganAugment(ulong seed) => seed * Spread + 41;

    /// <summary>The independence prior trainer's noise: latents, poses, batch permutations.</summary>
    public static ulong PriorNoise(ulong seed) => seed * Spread + 29;

    /// <summary>The generated image/mask pairs a segmenter is fitted to.</summary>
    public static ulong SegmenterPairs(ulong seed) => seed + 101;

    /// <summary>The segmenter U-Net's initial weights.</summary>
    public static ulong SegmenterInit(ulong seed) => seed + 202;

    /// <summary>The segmenter's batch order and augmentation (a <see cref="System.Random"/> seed).</summary>
    public static int SegmenterBatches(ulong seed) => (int)(seed % int.MaxValue) + 303;

    /// <summary>The MINE networks that measure mutual information between layers after training.</summary>
    public static ulong MineMeasurement(ulong seed) => seed + 404;

    /// <summary>The latents of `kernelgan generate` (its --seed, not the run's).</summary>
    public static ulong Generated(ulong seed) => seed + 505;

    /// <summary>The untruncated latents `generate --truncation` freezes the batch norms' statistics on.</summary>
    public static ulong BatchNormCalibration(ulong seed) => seed + 606;

    /// <summary>Which real images `eval --fid` compares with when the dataset holds more than N (a permutation key).</summary>
    public static ulong FidRealSubset(ulong seed) => seed + 707;

    /// <summary>The random subsets KID averages over (a <see cref="System.Random"/> seed).</summary>
    public static int KidSubsets(ulong seed) => (int)(seed % int.MaxValue) + 808;
}
