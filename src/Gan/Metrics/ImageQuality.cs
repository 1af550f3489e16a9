using System.Globalization;
using KernelGan.Gan.Data;
using KernelGan.Gan.Training;
using KernelGan.Kernels;

namespace KernelGan.Gan.Metrics;

/// <summary>FID and KID of one comparison, with what they were measured on (numbers from different networks or N are not comparable).</summary>
public sealed record ImageQualityScores(double Fid, KidScore Kid, int Generated, int Real, int FeatureCount)
{
    public string FidLine => string.Create(CultureInfo.InvariantCulture,
        $"fid={Fid:F4} generated={Generated} real={Real} features={FeatureCount}");

    public string KidLine => string.Create(CultureInfo.InvariantCulture,
        $"kid={Kid.Mean:F6} kid_std={Kid.Std:F6} subsets={Kid.Subsets} subset_size={Kid.SubsetSize}");
}

/// <summary>
/// FID and KID between two image sets through one feature network: both sets' features are
/// extracted the same way (<see cref="FeatureExtractor"/>), FID compares their float64 Gaussian
/// moments (<see cref="FrechetDistance"/>), KID their features directly (<see cref="KernelInceptionDistance"/>).
/// </summary>
public static class ImageQuality
{
    /// <summary>Images per feature-network call.</summary>
    public const int NetworkBatch = 32;

    public static ImageQualityScores Measure(IEnumerable<HostImage> generated, int generatedCount,
        IEnumerable<HostImage> real, int realCount, IFeatureNetwork network, IBackend backend, KidOptions kid, TextWriter log)
    {
        var extractor = new FeatureExtractor(network, NetworkBatch);
        var fake = Extract(extractor, generated, generatedCount, "generated", log);
        var truth = Extract(extractor, real, realCount, "real", log);

        log.WriteLine($"FID: float64 statistics of {network.FeatureCount}-d features (two eigendecompositions)");
        log.Flush();
        double fid = FrechetDistance.Between(fake.Statistics, truth.Statistics);

        var progress = new ProgressReporter(log, "KID subsets", 0, kid.Subsets, null);
        var kidScore = KernelInceptionDistance.Compute(fake.Features, truth.Features, backend, kid,
            new InlineProgress<int>(n => progress.Report(n, () => "MMD^2 estimates", force: n == kid.Subsets)));
        return new ImageQualityScores(fid, kidScore, generatedCount, realCount, network.FeatureCount);
    }

    private static ExtractedFeatures Extract(FeatureExtractor extractor, IEnumerable<HostImage> images, int count, string label, TextWriter log)
    {
        var progress = new ProgressReporter(log, $"features of {label} images", 0, count, null);
        return extractor.Extract(images, count, new InlineProgress<int>(n => progress.Report(n, () => "images", force: n == count)));
    }
}
