using KernelGan.Gan.Metrics;
using Xunit;

namespace KernelGan.Tests.Metrics;

/// <summary>The streaming float64 moments against a two-pass computation over all rows at once.</summary>
public class FeatureMomentsTests
{
    private static (double[] Mean, double[,] Covariance) TwoPass(float[] rows, int n, int d)
    {
        var mean = new double[d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += rows[i * d + j];
        for (int j = 0; j < d; j++) mean[j] /= n;
        var cov = new double[d, d];
        for (int i = 0; i < n; i++)
            for (int a = 0; a < d; a++)
                for (int b = 0; b < d; b++) cov[a, b] += (rows[i * d + a] - mean[a]) * (rows[i * d + b] - mean[b]);
        for (int a = 0; a < d; a++) for (int b = 0; b < d; b++) cov[a, b] /= n - 1;
        return (mean, cov);
    }

    [Theory]
    [InlineData(new[] { 200 })]
    [InlineData(new[] { 1, 7, 3, 64, 2, 123 })]
    [InlineData(new[] { 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 25 })]
    public void BatchesInAnyGroupingGiveTheTwoPassMeanAndCovariance(int[] batches)
    {
        // Features far from zero with a small spread (as Inception's, all positive): the pairwise
        // merge must keep the spread's digits. 19 columns: not a multiple of any vector width.
        const int d = 19;
        int n = batches.Sum();
        var random = new Random(2);
        var rows = new float[n * d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) rows[i * d + j] = (float)(1000 + 10 * j + 0.5 * GaussianSamples.StandardNormal(random) + 0.3 * (j % 3) * rows[i * d]);
        var (mean, cov) = TwoPass(rows, n, d);

        var moments = new FeatureMoments(d);
        int start = 0;
        foreach (int b in batches)
        {
            moments.Add(rows.AsSpan(start * d, b * d), b);
            start += b;
        }
        var stats = moments.Statistics();
        Assert.Equal(n, stats.Count);
        for (int j = 0; j < d; j++) Assert.True(Math.Abs(stats.Mean[j] - mean[j]) < 1e-9 * Math.Abs(mean[j]), $"mean[{j}]");
        for (int a = 0; a < d; a++)
            for (int b = 0; b < d; b++)
            {
                double scale = Math.Sqrt(cov[a, a] * cov[b, b]);
                Assert.True(Math.Abs(stats.Covariance[a, b] - cov[a, b]) < 1e-9 * scale, $"cov[{a},{b}] {stats.Covariance[a, b]} vs {cov[a, b]}");
            }
    }

    [Fact]
    public void OneVectorHasNoCovariance()
    {
        var moments = new FeatureMoments(3);
        moments.Add(new float[] { 1, 2, 3 }, 1);
        Assert.Throws<InvalidOperationException>(() => moments.Statistics());
    }
}
