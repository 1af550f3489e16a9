using KernelGan.Gan.Metrics;
using MathNet.Numerics.LinearAlgebra;
using Xunit;

namespace KernelGan.Tests.Metrics;

/// <summary>FID's float64 statistics against closed forms and independent computations.</summary>
public class FrechetDistanceTests
{
    private static double Fid(double[] m1, double[,] s1, double[] m2, double[,] s2) =>
        FrechetDistance.Between(GaussianStatistics.Exact(m1, s1), GaussianStatistics.Exact(m2, s2));

    private static double MeanTerm(double[] a, double[] b) => a.Zip(b, (x, y) => (x - y) * (x - y)).Sum();

    [Fact]
    public void DiagonalCovariancesGiveTheSumOfSquaredStandardDeviationDifferences()
    {
        // Commuting (diagonal) covariances: Tr(S1 + S2 - 2 sqrt(S1 S2)) = sum (sqrt(a_i) - sqrt(b_i))^2.
        double[] m1 = [1, -2, 0.5], m2 = [0, 1, 0.5];
        double[] a = [4, 1, 0.25], b = [1, 9, 0.25];
        var s1 = new double[3, 3];
        var s2 = new double[3, 3];
        for (int i = 0; i < 3; i++) { s1[i, i] = a[i]; s2[i, i] = b[i]; }
        double expected = MeanTerm(m1, m2) + a.Zip(b, (x, y) => Math.Pow(Math.Sqrt(x) - Math.Sqrt(y), 2)).Sum();
        Assert.Equal(1 + 9 + 0 + 1 + 4 + 0, expected, 12); // the closed form itself, by hand
        Assert.Equal(expected, Fid(m1, s1, m2, s2), 10);
    }

    [Fact]
    public void NonCommutingTwoByTwoCovariancesMatchTheClosedForm()
    {
        // For 2x2 SPD S1, S2 the eigenvalues of S1 S2 are positive with sum tr(S1 S2) and product
        // det(S1) det(S2), so Tr sqrt(S1 S2) = sqrt(tr(S1 S2) + 2 sqrt(det S1 det S2)).
        double[] m1 = [0.3, -1], m2 = [1.3, 0.5];
        double[,] s1 = { { 2, 0.8 }, { 0.8, 1 } }, s2 = { { 0.5, -0.3 }, { -0.3, 3 } };
        double trProduct = s1[0, 0] * s2[0, 0] + s1[0, 1] * s2[1, 0] + s1[1, 0] * s2[0, 1] + s1[1, 1] * s2[1, 1];
        double det1 = s1[0, 0] * s1[1, 1] - s1[0, 1] * s1[1, 0], det2 = s2[0, 0] * s2[1, 1] - s2[0, 1] * s2[1, 0];
        double traceSqrt = Math.Sqrt(trProduct + 2 * Math.Sqrt(det1 * det2));
        double expected = MeanTerm(m1, m2) + (s1[0, 0] + s1[1, 1]) + (s2[0, 0] + s2[1, 1]) - 2 * traceSqrt;
        // These two do not commute, so the diagonal shortcut would be wrong here.
        var a = Matrix<double>.Build.DenseOfArray(s1);
        var b = Matrix<double>.Build.DenseOfArray(s2);
        Assert.True((a * b - b * a).FrobeniusNorm() > 0.5);
        Assert.Equal(expected, Fid(m1, s1, m2, s2), 10);
    }

    [Fact]
    public void LargerNonCommutingCovariancesMatchDenmanBeaversOnTheProduct()
    {
        // An independent route: the principal square root of the non-symmetric S1 S2 by the
        // Denman-Beavers iteration, then its trace.
        var random = new Random(5);
        const int d = 6;
        var s1 = GaussianSamples.RandomSpd(random, d);
        var s2 = GaussianSamples.RandomSpd(random, d);
        var product = Matrix<double>.Build.DenseOfArray(s1) * Matrix<double>.Build.DenseOfArray(s2);
        var y = product;
        var z = Matrix<double>.Build.DenseIdentity(d);
        for (int k = 0; k < 60; k++) (y, z) = ((y + z.Inverse()) * 0.5, (z + y.Inverse()) * 0.5);
        Assert.True((y * y - product).FrobeniusNorm() < 1e-9 * product.FrobeniusNorm(), "Denman-Beavers did not converge");
        var trace1 = Enumerable.Range(0, d).Sum(i => s1[i, i]);
        var trace2 = Enumerable.Range(0, d).Sum(i => s2[i, i]);
        double[] zero = new double[d];
        Assert.Equal(trace1 + trace2 - 2 * y.Trace(), Fid(zero, s1, zero, s2), 9);
    }

    [Fact]
    public void LargeSamplesApproachTheExactValue()
    {
        double[] m1 = [0.3, -1], m2 = [1.3, 0.5];
        double[,] s1 = { { 2, 0.8 }, { 0.8, 1 } }, s2 = { { 0.5, -0.3 }, { -0.3, 3 } };
        double exact = Fid(m1, s1, m2, s2);
        Assert.True(exact > 3, $"exact FID {exact} should be far from zero for the tolerance to mean something");
        var random = new Random(11);
        const int n = 40_000;
        var x = new FeatureMatrix(GaussianSamples.Draw(random, n, m1, s1), n, 2);
        var y = new FeatureMatrix(GaussianSamples.Draw(random, n, m2, s2), n, 2);
        double sampled = FrechetDistance.Between(x.Statistics(), y.Statistics());
        // Sampling error: the mean term's is about 2 |mu1 - mu2| sqrt(2 tr S / n), ~0.05 here.
        Assert.InRange(sampled, exact - 0.15, exact + 0.15);
    }

    [Fact]
    public void ASetAgainstItselfIsZeroEvenWithFewerSamplesThanDimensions()
    {
        // 40 samples in 64 dimensions: a singular covariance, where a general sqrtm of S S goes
        // complex or needs an eps*I patch; clipping the eigenvalues' rounding keeps it at 0.
        var random = new Random(3);
        const int n = 40, d = 64;
        var values = new float[n * d];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(5 + GaussianSamples.StandardNormal(random));
        var stats = new FeatureMatrix(values, n, d).Statistics();
        double fid = FrechetDistance.Between(stats, stats);
        Assert.True(double.IsFinite(fid));
        Assert.True(Math.Abs(fid) < 1e-6 * stats.Covariance.Trace(), $"FID(x, x) = {fid}");
    }

    [Fact]
    public void ItIsSymmetricAndUnchangedByASharedRotationAndShift()
    {
        var random = new Random(8);
        const int n = 300, d = 10;
        var m1 = Enumerable.Range(0, d).Select(i => 0.1 * i).ToArray();
        var m2 = Enumerable.Range(0, d).Select(i => 0.3 - 0.05 * i).ToArray();
        var x = GaussianSamples.Draw(random, n, m1, GaussianSamples.RandomSpd(random, d));
        var y = GaussianSamples.Draw(random, n, m2, GaussianSamples.RandomSpd(random, d));
        var sx = new FeatureMatrix(x, n, d).Statistics();
        var sy = new FeatureMatrix(y, n, d).Statistics();
        double fid = FrechetDistance.Between(sx, sy);
        Assert.True(fid > 0.5, $"FID {fid} should be clearly positive here");
        Assert.Equal(fid, FrechetDistance.Between(sy, sx), 9);

        // One random rotation Q (from a QR factorization) and shift t applied to both sets: x -> Q x + t.
        var q = Matrix<double>.Build.Dense(d, d, (_, _) => GaussianSamples.StandardNormal(random)).QR().Q;
        var t = Enumerable.Range(0, d).Select(_ => 3 * GaussianSamples.StandardNormal(random)).ToArray();
        float[] Move(float[] rows)
        {
            var moved = new float[rows.Length];
            for (int i = 0; i < n; i++)
                for (int r = 0; r < d; r++)
                {
                    double v = t[r];
                    for (int c = 0; c < d; c++) v += q[r, c] * rows[i * d + c];
                    moved[i * d + r] = (float)v;
                }
            return moved;
        }
        double moved = FrechetDistance.Between(new FeatureMatrix(Move(x), n, d).Statistics(), new FeatureMatrix(Move(y), n, d).Statistics());
        Assert.True(Math.Abs(moved - fid) < 1e-5 * fid, $"rotated {moved} vs {fid}"); // float32 rounding of the moved features
    }
}
