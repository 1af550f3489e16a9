using KernelGan.Kernels;
using Xunit;

namespace KernelGan.Tests.Engine;

public class RandomTests
{
    // Known-answer vectors of Philox4x32-10 from the Random123 distribution (kat_vectors).
    [Theory]
    [InlineData(0u, 0u, 0u, 0u, 0u, 0u, 0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u)]
    [InlineData(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu)]
    [InlineData(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u, 0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u)]
    public void PhiloxMatchesReferenceVectors(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, uint e0, uint e1, uint e2, uint e3)
    {
        Philox.Rounds(ref c0, ref c1, ref c2, ref c3, k0, k1);
        Assert.Equal([e0, e1, e2, e3], new[] { c0, c1, c2, c3 });
    }

    [Fact]
    public void SameSeedSameNumbersAndStreamAdvances()
    {
        var a = new Rng(42).Normal([1000]).ToArray();
        var b = new Rng(42).Normal([1000]).ToArray();
        Assert.Equal(a, b);
        var rng = new Rng(42);
        rng.Normal([1000]);
        Assert.NotEqual(a, rng.Normal([1000]).ToArray());
        Assert.NotEqual(a, new Rng(43).Normal([1000]).ToArray());
    }

    [Fact]
    public void ResumingFromOffsetContinuesTheStream()
    {
        var rng = new Rng(7);
        rng.Uniform([10]);
        ulong offset = rng.Offset;
        var next = rng.Uniform([37]).ToArray();
        Assert.Equal(next, new Rng(7, offset).Uniform([37]).ToArray());
    }

    [Fact]
    public void NormalAndUniformHaveTheRightMoments()
    {
        var n = new Rng(1).Normal([200000], 0.5f, 2f).ToArray();
        double mean = n.Average(), sd = Math.Sqrt(n.Select(v => (v - mean) * (v - mean)).Average());
        Assert.InRange(mean, 0.48, 0.52);
        Assert.InRange(sd, 1.98, 2.02);
        var u = new Rng(2).Uniform([200000], -1f, 3f).ToArray();
        Assert.InRange(u.Min(), -1f, -0.99f);
        Assert.True(u.Max() < 3f);
        Assert.InRange(u.Average(), 0.99, 1.01);
    }

    [Fact]
    public void PermutationsAndDerangements()
    {
        var rng = new Rng(3);
        for (int t = 0; t < 50; t++)
        {
            var p = rng.Permutation(17);
            Assert.Equal(Enumerable.Range(0, 17), p.OrderBy(v => v));
            var d = rng.Derangement(9);
            Assert.Equal(Enumerable.Range(0, 9), d.OrderBy(v => v));
            Assert.All(Enumerable.Range(0, 9), i => Assert.NotEqual(i, d[i]));
        }
        Assert.NotEqual(new Rng(3).Permutation(17), new Rng(4).Permutation(17));
    }
}
