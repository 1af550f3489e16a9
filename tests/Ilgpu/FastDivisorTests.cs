using KernelGan.Kernels.Ilgpu;
using Xunit;

namespace KernelGan.Tests.Ilgpu;

/// <summary>The multiply-shift division the GPU index arithmetic uses must equal integer division everywhere it is used.</summary>
public class FastDivisorTests
{
    [Fact]
    public void MatchesIntegerDivisionForSmallAndAwkwardDivisors()
    {
        var random = new Random(3);
        var divisors = Enumerable.Range(1, 2000)
            .Concat([4095, 4096, 4097, 65535, 65536, 65537, 1 << 20, (1 << 20) + 1, 999_999_937, int.MaxValue - 1, int.MaxValue]);
        foreach (int d in divisors)
        {
            var fast = new FastDivisor(d);
            var numerators = new[] { 0, 1, d - 1, d, d + 1, 2 * (d % (int.MaxValue / 2)), int.MaxValue, int.MaxValue - 1, int.MaxValue - d + 1 }
                .Concat(Enumerable.Range(0, 200).Select(_ => random.Next(int.MaxValue)))
                .Where(n => n >= 0);
            foreach (int n in numerators)
                Assert.True(fast.Divide(n) == n / d, $"{n} / {d}: got {fast.Divide(n)}, expected {n / d}");
        }
    }

    [Fact]
    public void RefusesANonPositiveDivisor()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FastDivisor(0));
    }
}
