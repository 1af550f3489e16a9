using KernelGan.Gan.Losses;
using KernelGan.Tests.Engine;
using Xunit;

namespace KernelGan.Tests.Training;

public class MaskPriorsTests
{
    /// <summary>Two 2x2 masks with areas 0.1 and 0.5: the batch's mean area is 0.3.</summary>
    private static Tensor TwoMasks() => Tensor.FromArray([0.1f, 0.1f, 0.1f, 0.1f, 0.5f, 0.5f, 0.5f, 0.5f], [2, 1, 2, 2]);

    [Fact]
    public void ThePerImageHingeChargesTheSmallMaskWhileTheBatchHingeLetsTheMeanCoverIt()
    {
        Assert.Equal(0.5f * (0.25f - 0.1f), MaskPriors.MinimumArea(TwoMasks(), 0.25f).Item(), 1e-6f);
        Assert.Equal(0f, MaskPriors.MinimumBatchArea(TwoMasks(), 0.25f).Item());
        Assert.Equal(0.4f - 0.3f, MaskPriors.MinimumBatchArea(TwoMasks(), 0.4f).Item(), 1e-6f);
    }

    [Fact]
    public void TheBatchHingeHasTheGradientOfItsFormula()
    {
        // Mean 0.2 or so, below the 0.35 floor: the hinge is active, away from its kink.
        GradCheck.Check("relu(0.35 - mean(m))", x => Ops.Reshape(MaskPriors.MinimumBatchArea(x[0], 0.35f), 1),
            [GradCheck.Random([2, 1, 3, 3], 12, 0.05f, 0.35f)]);
    }

    [Fact]
    public void TheBorderPriorIsTheMasksMeanOnTheOuterBandAndBlindInside()
    {
        var frame = new FrameBand(8, 2, Device.Cpu);
        Assert.Equal((64 - 16) / 64f, frame.Fraction);
        var inside = new float[64];
        for (int y = 2; y < 6; y++) for (int x = 2; x < 6; x++) inside[y * 8 + x] = 1f;
        Assert.Equal(0f, MaskPriors.OnBorder(Tensor.FromArray(inside, [1, 1, 8, 8]), frame).Item());
        Assert.Equal(1f, MaskPriors.OnBorder(Tensor.Full([2, 1, 8, 8], 1f), frame).Item(), 1e-6f);
        // One image all ones, one with a single band pixel at 0.5: the mean over the batch's band pixels.
        var second = new float[64];
        second[0] = 0.5f;
        var batch = Tensor.FromArray([.. Enumerable.Repeat(1f, 64), .. second], [2, 1, 8, 8]);
        Assert.Equal((48 + 0.5f) / 96f, MaskPriors.OnBorder(batch, frame).Item(), 1e-6f);
    }

    [Fact]
    public void TheBorderPriorHasTheGradientOfItsFormula()
    {
        var frame = new FrameBand(6, 1, Device.Cpu);
        GradCheck.Check("mean(m on the band)", x => Ops.Reshape(MaskPriors.OnBorder(x[0], frame), 1),
            [GradCheck.Random([2, 1, 6, 6], 13, 0.05f, 0.95f)]);
    }

    [Fact]
    public void AFrameBandMustLeaveAnInside()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrameBand(8, 4, Device.Cpu));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrameBand(8, 0, Device.Cpu));
    }
}
