using KernelGan.Gan.Data;
using KernelGan.Gan.Ilsgan;
using KernelGan.Gan.Models;
using Xunit;

namespace KernelGan.Tests.Training;

/// <summary>ILSGAN's optional border prior (--border-prior): charged in G's loss only, and only when asked.</summary>
public class BorderPriorTests
{
    private static IlsganConfig Tiny() => new() { Architecture = Architecture.Preset("small", 32), Batch = 8, Seed = 5 };

    [Fact]
    public void TheBorderPriorAddsToGsLossAndNothingElse()
    {
        var data = SyntheticDataset.ObjectCentric(32, DataSplit.Train, seed: 3);
        using var loader = new ImageBatchLoader(data, 8, 11);
        Tensor Real() => Tensor.FromArray(loader.Batch(0).Images, [8, 3, 32, 32]);
        var plain = new IlsganTrainer(Tiny(), Device.Cpu).TrainStep(Real());
        var charged = new IlsganTrainer(Tiny() with { BorderWeight = 10f }, Device.Cpu).TrainStep(Real());
        // The mask starts near 0.5 everywhere (plus the centre bump), so the band's mean is well above 0.
        Assert.True(charged.LossG > plain.LossG + 1f, $"loss_g {charged.LossG} with the prior vs {plain.LossG} without");
        Assert.Equal(plain.Adversarial, charged.Adversarial);
        Assert.Equal(plain.LossD, charged.LossD);
        var off = new IlsganTrainer(Tiny() with { BorderWeight = 0f }, Device.Cpu).TrainStep(Real());
        Assert.Equal(plain.LossG, off.LossG);
    }

    [Fact]
    public void TheBandIsAFractionOfTheSideAndAtLeastAPixel()
    {
        Assert.Equal(2, Tiny().BorderBandPixels(32));
        Assert.Equal(4, Tiny().BorderBandPixels(64));
        Assert.Equal(1, (Tiny() with { BorderBand = 0.001f }).BorderBandPixels(32));
    }
}
