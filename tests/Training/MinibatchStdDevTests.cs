using KernelGan.Gan.Models;
using KernelGan.Tests.Engine;
using Xunit;

namespace KernelGan.Tests.Training;

public class MinibatchStdDevTests
{
    [Theory]
    [InlineData(32, 4)]
    [InlineData(6, 3)]
    [InlineData(10, 2)]
    [InlineData(7, 1)]
    [InlineData(2, 2)]
    public void TheGroupIsTheLargestOfFourThreeTwoOneThatDividesTheBatch(int batch, int group) =>
        Assert.Equal(group, MinibatchStdDev.GroupSize(batch));

    /// <summary>The appended channel against the definition, in double: per place p, the mean over features of the std over its group.</summary>
    [Fact]
    public void TheChannelIsTheMeanStdOverEachPlacesGroup()
    {
        const int n = 8, c = 3, h = 2, w = 3, g = 4, places = n / g, f = c * h * w;
        var x = GradCheck.Random([n, c, h, w], 51);
        var data = x.ToArray();
        var y = MinibatchStdDev.Append(x);
        Assert.Equal([n, c + 1, h, w], y.Shape);
        var got = y.ToArray();
        for (int p = 0; p < places; p++)
        {
            double sum = 0;
            for (int k = 0; k < f; k++)
            {
                double mean = 0, var_ = 0;
                for (int j = 0; j < g; j++) mean += data[(j * places + p) * f + k] / (double)g;
                for (int j = 0; j < g; j++) { double d = data[(j * places + p) * f + k] - mean; var_ += d * d / g; }
                sum += Math.Sqrt(var_ + 1e-8);
            }
            double expected = sum / f;
            for (int j = 0; j < g; j++)
            {
                int sample = j * places + p;
                for (int k = 0; k < c * h * w; k++) Assert.Equal(data[sample * f + k], got[sample * (c + 1) * h * w + k]); // features unchanged
                for (int pix = 0; pix < h * w; pix++) Assert.Equal(expected, got[(sample * (c + 1) + c) * h * w + pix], 5);
            }
        }
    }

    [Fact]
    public void TheLayerHasTheGradientOfItsFormula() =>
        GradCheck.Check("minibatch stddev", t => MinibatchStdDev.Append(t[0]), [GradCheck.Random([4, 2, 2, 2], 52)]);

    [Fact]
    public void TheStylePresetsDiscriminatorSeesIdenticalSamplesAsDifferentFromVariedOnes()
    {
        var arch = Architecture.Preset("style", 32);
        var d = new Discriminator(Device.Cpu, new Rng(53), arch);
        Assert.True(d.StdDev);
        var varied = new Rng(54).Normal([4, 3, 32, 32]);
        var same = Ops.Mul(Tensor.Full([4, 1, 1, 1], 1f), Ops.Narrow(varied, 0, 0, 1));
        // The first sample's logit changes when its batch-mates become copies of it: D sees the batch.
        float alone = d.Forward(varied).ToArray()[0], copies = d.Forward(same).ToArray()[0];
        Assert.NotEqual(alone, copies);
        Assert.False(new Discriminator(Device.Cpu, new Rng(53), Architecture.Preset("small", 32)).StdDev);
    }
}
