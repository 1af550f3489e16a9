using KernelGan.Gan.Data;
using KernelGan.Gan.Ilsgan;
using KernelGan.Gan.Ilsgan.Generation;
using KernelGan.Gan.Training;
using KernelGan.Kernels;

namespace KernelGan.Gan.Metrics;

/// <summary>
/// FID and KID of a generator against a dataset: N composites from the generator (the latents
/// drawn as `kernelgan generate --seed S` draws them, in batches of 32, untruncated, so the same seed
/// scores the same samples generate writes) against N real images,
/// a seeded random subset of the dataset when it holds more. The dataset should be opened at the
/// generator's image size, so real images pass through the same resolution the generator was
/// trained at before both are resized to the network's input.
/// </summary>
public static class GeneratorImageQuality
{
    /// <summary>Latents per generator call (the same as generate's default, so its samples are generate's).</summary>
    public const int GeneratorBatch = 32;

    /// <summary>The default N: the usual 5000 (torch-fidelity, pytorch-fid examples), or the whole dataset if smaller.</summary>
    public const int DefaultCount = 5000;

    /// <summary>N when the user gives none: <see cref="DefaultCount"/>, or the dataset's size if smaller.</summary>
    public static int DefaultCountFor(IImageDataset real) => Math.Min(DefaultCount, real.Count);

    public static ImageQualityScores Measure(LayeredGenerator generator, IImageDataset real, int count, ulong seed,
        IFeatureNetwork network, IBackend backend, TextWriter log, KidOptions? kid = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(real);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (real.Count == 0) throw new DataException("the real image set is empty");
        int realCount = Math.Min(count, real.Count);
        var generated = new GeneratedBatches(generator, null, GeneratorBatch, 1f, backend)
            .Draw(seed, count).Select(s => s.Layers.Composite);
        return ImageQuality.Measure(generated, count, RealImages(real, realCount, seed), realCount,
            network, backend, kid ?? new KidOptions(Seed: SeedStreams.KidSubsets(seed)), log);
    }

    /// <summary>All of the dataset in order, or a seeded random subset of <paramref name="count"/> (datasets are often sorted by class).</summary>
    private static IEnumerable<HostImage> RealImages(IImageDataset data, int count, ulong seed)
    {
        if (count == data.Count)
        {
            for (int i = 0; i < count; i++) yield return data.Image(i);
            yield break;
        }
        var order = new IndexPermutation(data.Count, SeedStreams.FidRealSubset(seed));
        for (int i = 0; i < count; i++) yield return data.Image((int)order[i]);
    }
}
