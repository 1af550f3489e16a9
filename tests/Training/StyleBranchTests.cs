using KernelGan.Gan.Ilsgan;
using KernelGan.Gan.Models;
using KernelGan.Tests.Engine;
using Xunit;

namespace KernelGan.Tests.Training;

/// <summary>The StyleGAN2-shaped generator of --arch style: its modulated convolution and its branch.</summary>
public class StyleBranchTests
{
    /// <summary>
    /// The shared-weight form (one conv of x * s, then * d) equals the paper's statement: each
    /// sample convolved with its own weight W[o,i,k] * s[i] * d[o], d[o] = 1/sqrt(sum_{i,k} (W s)^2).
    /// </summary>
    [Theory]
    [InlineData(3, true)]
    [InlineData(1, false)]
    public void AModulatedConvEqualsEachSampleConvolvedWithItsOwnWeight(int kernel, bool demodulate)
    {
        const int n = 3, cin = 4, cout = 5, size = 6, styleDim = 7;
        var conv = new ModulatedConv(Device.Cpu, new Rng(11), styleDim, cin, cout, kernel, demodulate);
        var x = new Rng(12).Normal([n, cin, size, size]);
        var style = new Rng(13).Normal([n, styleDim]);
        var y = conv.Forward(x, style).ToArray();

        var s = conv.Affine.Forward(style).ToArray();
        var w = conv.Weight.ToArray();
        var bias = conv.Bias.ToArray();
        float gain = 1f / MathF.Sqrt(cin * kernel * kernel);
        int kk = kernel * kernel, plane = size * size;
        for (int b = 0; b < n; b++)
        {
            var own = new float[cout * cin * kk];
            for (int o = 0; o < cout; o++)
            {
                double energy = 0;
                for (int i = 0; i < cin; i++)
                for (int k = 0; k < kk; k++)
                {
                    float v = w[(o * cin + i) * kk + k] * gain * s[b * cin + i];
                    own[(o * cin + i) * kk + k] = v;
                    energy += v * v;
                }
                if (!demodulate) continue;
                float d = (float)(1 / Math.Sqrt(energy + 1e-8));
                for (int j = 0; j < cin * kk; j++) own[o * cin * kk + j] *= d;
            }
            var sample = Ops.Narrow(x, 0, b, 1);
            var expected = Ops.Conv2d(sample, Tensor.FromArray(own, [cout, cin, kernel, kernel]), Tensor.FromArray(bias, [cout]), 1, kernel / 2).ToArray();
            for (int j = 0; j < cout * plane; j++)
                Assert.Equal(expected[j], y[b * cout * plane + j], 1e-4f);
        }
    }

    [Fact]
    public void AModulatedConvHasTheGradientOfItsFormula()
    {
        var conv = new ModulatedConv(Device.Cpu, new Rng(21), 3, 2, 3, 3, demodulate: true);
        GradCheck.Check("modulated conv (input, style, weight)",
            t => conv.Forward(t[0], t[1]),
            [GradCheck.Random([2, 2, 4, 4], 22), GradCheck.Random([2, 3], 23), conv.Weight],
            atol: 3e-3);
    }

    [Fact]
    public void TheBranchMakesItsOutputAndEachSampleDependsOnItsOwnLatentOnly()
    {
        var arch = Architecture.Preset("style", 32);
        var branch = new StyleBranch(Device.Cpu, new Rng(31), arch, 4);
        var z = new Rng(32).Normal([3, arch.LatentDim]);
        var batch = branch.Forward(z);
        Assert.Equal([3, 4, 32, 32], batch.Shape);
        var alone = branch.Forward(Ops.Narrow(z, 0, 1, 1)).ToArray();
        var inBatch = Ops.Narrow(batch, 0, 1, 1).ToArray();
        for (int j = 0; j < alone.Length; j++) Assert.Equal(alone[j], inBatch[j], 1e-4f);
        // and the samples differ: the latent reaches the output
        var first = Ops.Narrow(batch, 0, 0, 1).ToArray();
        Assert.True(first.Zip(inBatch).Max(p => MathF.Abs(p.First - p.Second)) > 1e-2f);
    }

    [Fact]
    public void AStyleGeneratorsMaskBiasSetsItsStartingMask()
    {
        var g = new LayeredGenerator(Device.Cpu, new Rng(41), Architecture.Preset("style", 32), maskLogitBias: -2f);
        var (zf, zb) = g.SampleLatents(new Rng(42), 4);
        float mean = Ops.Mean(g.Forward(zf, zb).Mask).ToArray()[0];
        Assert.InRange(mean, 0.03f, 0.35f); // sigmoid(-2) = 0.12, moved by the toRGB outputs' spread
    }
}
