using KernelGan.Kernels.Ilgpu;
using Xunit;

namespace KernelGan.Tests.Ilgpu;

/// <summary>The GEMM launch planner: tile choice and split-k for an H100-sized device (132 SMs).</summary>
public class GemmPlanTests
{
    private const int H100 = 132;

    [Fact]
    public void LargeSquareProductUses128TilesWithoutSplitting()
    {
        var plan = GemmPlan.Choose(4096, 4096, 4096, 1, H100, simulator: false);
        Assert.Equal(new GemmPlan(GemmTileSize.Tile128, 1, 4096), plan);
    }

    [Fact]
    public void SmallOutputWithLongReductionIsSplit()
    {
        // A conv weight gradient: gw [64, 512] summed over 32 images x 256 pixels.
        var plan = GemmPlan.Choose(64, 512, 8192, 1, H100, simulator: false);
        Assert.Equal(GemmTileSize.Tile64, plan.Tile);
        Assert.True(plan.Splits > 1, $"expected split-k, got {plan}");
        Assert.True(plan.KChunk * plan.Splits >= 8192 && plan.KChunk * (plan.Splits - 1) < 8192, $"chunks must cover k exactly once: {plan}");
        Assert.True(plan.KChunk >= GemmPlan.MinSplitDepth);
    }

    [Fact]
    public void TinyOutputWithVeryLongReductionFillsTheDevice()
    {
        // ref64's first D layer, weight gradient at batch 128: gw [32, 3*4*4] summed over 128 x 32 x 32 pixels.
        var plan = GemmPlan.Choose(32, 48, 131072, 1, H100, simulator: false);
        Assert.True(plan.Splits >= 3 * H100, $"one output tile must be split over several groups per multiprocessor, got {plan}");
        Assert.True(plan.KChunk >= GemmPlan.MinSplitDepth);
        Assert.True(plan.KChunk * plan.Splits >= 131072 && plan.KChunk * (plan.Splits - 1) < 131072, plan.ToString());
    }

    [Fact]
    public void PartialProductsStayWithinTheirMemoryBudget()
    {
        var plan = GemmPlan.Choose(100, 100, 1 << 24, 1, 100_000, simulator: false);
        Assert.True((long)100 * 100 * plan.Splits <= GemmPlan.MaxPartialFloats, plan.ToString());
        Assert.True(plan.Splits > 1);
    }

    [Fact]
    public void FewLarge128TilesAreSplitRatherThanShrunk()
    {
        // ref64's third D layer, forward at batch 32: W [128, 1024] x cols [1024, 2048].
        var plan = GemmPlan.Choose(128, 2048, 1024, 1, H100, simulator: false);
        Assert.Equal(GemmTileSize.Tile128, plan.Tile);
        Assert.True(plan.Splits > 1, plan.ToString());
    }

    [Fact]
    public void ShortReductionIsNotSplitEvenWhenTheDeviceIsIdle()
    {
        var plan = GemmPlan.Choose(32, 32, 300, 1, H100, simulator: false);
        Assert.Equal(1, plan.Splits);
    }

    [Fact]
    public void SimulatorUsesSmallestTileAndNoSplits()
    {
        Assert.Equal(new GemmPlan(GemmTileSize.Tile32, 1, 8192), GemmPlan.Choose(64, 512, 8192, 1, 1, simulator: true));
    }

    [Theory]
    [InlineData(40, 3)]
    [InlineData(17, 2)]
    [InlineData(1, 5)]
    public void ForcedSplitsCoverKWithChunksOfWholeSlices(int k, int splits)
    {
        var plan = GemmPlan.Choose(8, 8, k, 1, 1, simulator: true, forcedSplits: splits);
        Assert.Equal(0, plan.KChunk % 2); // Tile32 steps k by 2
        Assert.True(plan.KChunk * plan.Splits >= k && plan.KChunk * (plan.Splits - 1) < k, plan.ToString());
    }
}
