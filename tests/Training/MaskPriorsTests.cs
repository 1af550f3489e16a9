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
}
