using KernelGan.Kernels;
using KernelGan.Kernels.Cpu;
using Xunit;

namespace KernelGan.Tests.Engine;

/// <summary>
/// The CPU convolutions read subnormal operands as zero (denormals-are-zero in software, see
/// Subnormals.cs): bit for bit the result of the same call with those values zeroed, and the
/// caller's buffers untouched.
/// </summary>
public class SubnormalOperandTests
{
    private static readonly IBackend Cpu = Device.Cpu;

    /// <summary>
    /// Random values with the first third and every fifth after it replaced by subnormals of either
    /// sign (and the very last, for the scalar tails). Products of a subnormal and a value below 1
    /// still sum to a nonzero subnormal, so outputs fed only by the first third differ from zero
    /// unless the kernel flushes.
    /// </summary>
    private static (float[] Planted, float[] Zeroed) Planted(int n, int seed)
    {
        var r = new Random(seed);
        var planted = Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
        var zeroed = (float[])planted.Clone();
        for (int i = 0; i < n / 3; i++) Plant(i);
        for (int i = n / 3 + seed % 5; i < n; i += 5) Plant(i);
        Plant(n - 1);
        return (planted, zeroed);

        void Plant(int i)
        {
            planted[i] = (i % 2 == 0 ? 1f : -1f) * float.Epsilon * (1 + i % 1000); // 2^-149 .. ~2^-139
            zeroed[i] = 0f;
        }
    }

    [Theory]
    [InlineData(3, 4, 16, 8, 4, 2, 1)]   // ILSGAN's layers: k4 s2 p1
    [InlineData(2, 3, 9, 5, 3, 1, 1)]    // stride 1: the data gradient runs as a forward pass
    [InlineData(3, 5, 4, 7, 4, 1, 0)]    // kernel covers the input: fully connected path
    public void ConvolutionsReadSubnormalOperandsAsZero(int n, int cin, int h, int cout, int k, int s, int p)
    {
        var g = ConvGeometry.Square(n, cin, h, cout, k, s, p);
        var (x, x0) = Planted(g.InputSize, 1);
        var (w, w0) = Planted(g.WeightSize, 2);
        var (gy, gy0) = Planted(g.OutputSize, 3);
        var planted = Run(g, x, w, gy);
        var zeroed = Run(g, x0, w0, gy0);
        foreach (var (name, a, b) in new[] { ("forward", planted.Y, zeroed.Y), ("data gradient", planted.Gx, zeroed.Gx), ("weight gradient", planted.Gw, zeroed.Gw) })
            Assert.True(a.AsSpan().SequenceEqual(b), $"{name} {g}: subnormal operands did not act as zeros");
        Assert.All(planted.Inputs, pair => Assert.True(pair.Before.AsSpan().SequenceEqual(pair.After), "an operand was changed in place"));
    }

    private static (float[] Y, float[] Gx, float[] Gw, (float[] Before, float[] After)[] Inputs) Run(ConvGeometry g, float[] x, float[] w, float[] gy)
    {
        var tx = Tensor.FromArray(x, g.InputSize);
        var tw = Tensor.FromArray(w, g.WeightSize);
        var tgy = Tensor.FromArray(gy, g.OutputSize);
        var y = Tensor.Empty([g.OutputSize]);
        var gx = Tensor.Empty([g.InputSize]);
        var gw = Tensor.Empty([g.WeightSize]);
        Cpu.Conv2dForward(g, tx.Buffer, tw.Buffer, null, y.Buffer);
        Cpu.Conv2dBackwardData(g, tgy.Buffer, tw.Buffer, gx.Buffer);
        Cpu.Conv2dBackwardWeight(g, tx.Buffer, tgy.Buffer, gw.Buffer, null);
        return (y.ToArray(), gx.ToArray(), gw.ToArray(), [(x, tx.ToArray()), (w, tw.ToArray()), (gy, tgy.ToArray())]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(37)]
    [InlineData(1000)]
    public unsafe void TheScanFindsASingleSubnormalAnywhereAndFlushKeepsEverythingElse(int n)
    {
        var values = Enumerable.Range(0, n).Select(i => i % 3 == 0 ? 0f : i % 3 == 1 ? -0.5f * i : float.MinValue).ToArray();
        fixed (float* p = values) Assert.False(Subnormals.Any(p, n));
        for (int at = 0; at < n; at += Math.Max(1, n / 7))
        {
            var one = (float[])values.Clone();
            one[at] = -float.Epsilon * 3;
            var flushed = new float[n];
            fixed (float* p = one)
            fixed (float* d = flushed)
            {
                Assert.True(Subnormals.Any(p, n), $"subnormal at {at} of {n} not found");
                Subnormals.Flush(p, d, n);
            }
            for (int i = 0; i < n; i++) Assert.Equal(i == at ? 0f : values[i], flushed[i]);
        }
    }
}
