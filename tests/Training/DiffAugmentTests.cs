using KernelGan.Gan.Ilsgan;
using KernelGan.Gan.Losses;
using KernelGan.Tests.Engine;
using Xunit;

namespace KernelGan.Tests.Training;

/// <summary>D's input augmentation: differentiable for a fixed draw, identity at p = 0, and its probability steered the way ADA steers it.</summary>
public class DiffAugmentTests
{
    [Fact]
    public void GradientsFlowThroughAFixedDraw()
    {
        var draw = DiffAugment.Draw(new Rng(3), 2, 8, p: 1f);
        // At p = 1 every transform is drawn, so the check covers each of them.
        Assert.All(draw.Saturation, s => Assert.NotEqual(1f, s));
        Assert.Contains(0f, draw.CutoutMask);
        Assert.True(draw.Dx.Any(v => v != 0) || draw.Dy.Any(v => v != 0));
        GradCheck.Check("diff augment", x => DiffAugment.Apply(x[0], draw), [GradCheck.Random([2, 3, 8, 8], 17)]);
    }

    [Fact]
    public void ProbabilityZeroLeavesTheImagesAsTheyAre()
    {
        var x = GradCheck.Random([3, 3, 8, 8], 4);
        var draw = DiffAugment.Draw(new Rng(9), 3, 8, p: 0f);
        Assert.Equal(x.ToArray(), DiffAugment.Apply(x, draw).ToArray(), new FloatTolerance(1e-6f));
    }

    [Fact]
    public void ProbabilityRisesWhenDIsSureOfTheRealsAndFallsWhenItIsNot()
    {
        var ada = new AdaptiveAugment(target: 0.6f, interval: 4, stepSize: 0.1f, seed: 1);
        float[] sure = [2f, 1f, 3f, 0.5f], unsure = [2f, -1f, -3f, 0.5f]; // sign means 1 and 0
        for (int i = 0; i < 3; i++) ada.Observe(sure);
        Assert.Equal(0f, ada.P); // adjusted only every 4 steps
        ada.Observe(sure);
        Assert.Equal(0.1f, ada.P, 1e-6f);
        for (int i = 0; i < 4; i++) ada.Observe(sure);
        Assert.Equal(0.2f, ada.P, 1e-6f);
        for (int i = 0; i < 4; i++) ada.Observe(unsure);
        Assert.Equal(0.1f, ada.P, 1e-6f);
        for (int i = 0; i < 8; i++) ada.Observe(unsure);
        Assert.Equal(0f, ada.P); // never below 0
    }

    [Fact]
    public void TheStepIsAdasBatchTimesIntervalOverItsSpeed()
    {
        var ada = AdaptiveAugment.For(new IlsganConfig { Architecture = Gan.Models.Architecture.Preset("small", 32), Batch = 32 });
        Assert.Equal(32 * 4 / 500_000f, ada.StepSize, 1e-9f);
        Assert.Equal(0.6f, ada.Target);
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => MathF.Abs(a - b) <= tolerance;
        public int GetHashCode(float v) => 0;
    }
}
