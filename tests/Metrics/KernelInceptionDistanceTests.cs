using KernelGan.Gan.Metrics;
using Xunit;

namespace KernelGan.Tests.Metrics;

/// <summary>KID: the unbiased MMD^2 with the cubic kernel, against hand arithmetic and on equal and different distributions.</summary>
public class KernelInceptionDistanceTests
{
    [Fact]
    public void ATinySetGivesTheHandComputedValue()
    {
        // d = 2, k(a, b) = (a.b / 2 + 1)^3. X = (1,0), (0,1), (1,1); Y = (0,0), (2,0), (1,2).
        // Off-diagonal K_XX: dots 0, 1, 1 -> 1 + 3.375 + 3.375, twice: 15.5.
        // Off-diagonal K_YY: dots 0, 0, 2 -> 1 + 1 + 8, twice: 20.
        // K_XY: rows (1,0): 0, 2, 1 -> 12.375; (0,1): 0, 0, 2 -> 10; (1,1): 0, 2, 3 -> 24.625; 47 in all.
        // MMD^2 = (15.5 + 20) / (3 * 2) - 2 * 47 / 9 = -163/36. With subsets of 3 out of 3, every
        // subset is the whole set: the mean is that value and the spread zero.
        var x = new FeatureMatrix([1, 0, 0, 1, 1, 1], 3, 2);
        var y = new FeatureMatrix([0, 0, 2, 0, 1, 2], 3, 2);
        var kid = KernelInceptionDistance.Compute(x, y, KernelGan.Device.Cpu, new KidOptions(Subsets: 5));
        Assert.Equal(3, kid.SubsetSize);
        Assert.Equal(5, kid.Subsets);
        Assert.Equal(-163.0 / 36, kid.Mean, 5);
        Assert.Equal(0, kid.Std, 5);
    }

    [Fact]
    public void SameDistributionIsNearZeroAndAShiftedOneIsNot()
    {
        const int n = 600, d = 16;
        var random = new Random(4);
        var mean = new double[d];
        var shifted = Enumerable.Repeat(0.5, d).ToArray();
        var cov = new double[d, d];
        for (int i = 0; i < d; i++) cov[i, i] = 1;
        var x = new FeatureMatrix(GaussianSamples.Draw(random, n, mean, cov), n, d);
        var y = new FeatureMatrix(GaussianSamples.Draw(random, n, mean, cov), n, d);
        var z = new FeatureMatrix(GaussianSamples.Draw(random, n, shifted, cov), n, d);
        var options = new KidOptions(Subsets: 20, MaxSubsetSize: 200);

        var same = KernelInceptionDistance.Compute(x, y, KernelGan.Device.Cpu, options);
        var different = KernelInceptionDistance.Compute(x, z, KernelGan.Device.Cpu, options);
        Assert.Equal(200, same.SubsetSize);
        // The estimator is unbiased: for equal distributions its mean is 0 up to sampling noise
        // (either sign), here a small fraction of the shifted distribution's value.
        Assert.True(different.Mean > 0.05, $"KID of shifted sets {different.Mean}");
        Assert.True(Math.Abs(same.Mean) < 0.05 * different.Mean, $"KID of equal distributions {same.Mean} vs shifted {different.Mean}");
        Assert.True(same.Std > 0, "subsets differ, so the estimates should too");
    }

    [Fact]
    public void SubsetsAreSeededAndTheSizeIsCappedByTheSmallerSet()
    {
        var random = new Random(6);
        var cov = new double[4, 4];
        for (int i = 0; i < 4; i++) cov[i, i] = 1;
        var x = new FeatureMatrix(GaussianSamples.Draw(random, 50, new double[4], cov), 50, 4);
        var y = new FeatureMatrix(GaussianSamples.Draw(random, 30, new double[4], cov), 30, 4);
        var a = KernelInceptionDistance.Compute(x, y, KernelGan.Device.Cpu, new KidOptions(Subsets: 4, Seed: 1));
        var b = KernelInceptionDistance.Compute(x, y, KernelGan.Device.Cpu, new KidOptions(Subsets: 4, Seed: 1));
        var c = KernelInceptionDistance.Compute(x, y, KernelGan.Device.Cpu, new KidOptions(Subsets: 4, Seed: 2));
        Assert.Equal(30, a.SubsetSize);
        Assert.Equal(a, b);
        Assert.NotEqual(a.Mean, c.Mean);
    }
}
