using KernelGan.Kernels;
using KernelGan.Kernels.Checks;
using KernelGan.Kernels.Ilgpu;
using Xunit;
using Xunit.Abstractions;

namespace KernelGan.Tests.Ilgpu;

/// <summary>
/// The tensor-core GEMM's emulated path (ILGPU's CPU simulator with PTX's 32-lane warps) against the
/// fp32 kernel on the simulator, with the error bound TF32/BF16 rounding allows, and against an exact
/// product of the rounded inputs, which only fp32 summation may miss. The emulation places every
/// fragment where the PTX ISA says its lane holds it, so a tile, fragment or edge mistake in the kernel
/// shows here; only the mma instruction itself awaits a GPU.
/// </summary>
[Collection(SimulatorCollection.Name)]
public class TensorCoreGemmTests(ITestOutputHelper output)
{
    /// <summary>
    /// The selftest's check (<see cref="TensorCoreGemmCheck"/>) on the simulator: shapes with partial
    /// 32-tiles and k slices (8 deep for TF32, 16 for BF16) in every dimension, exact tiles, a single
    /// row and k below one mma step, each with all four transposes, and a batched strided product.
    /// </summary>
    [Theory]
    [InlineData(GemmPrecision.Tf32)]
    [InlineData(GemmPrecision.Bf16)]
    public void MatchesFp32WithinTheFormatsRoundingOverEdgesAndTransposes(GemmPrecision precision)
    {
        using var tensor = IlgpuDevices.OpenSimulator(maxGroupSize: 32, warpSize: 32, precision);
        var failures = TensorCoreGemmCheck.Run(tensor, IlgpuDevices.Open(IlgpuDevices.CpuSimulator), precision, realistic: false, output.WriteLine);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [InlineData(GemmPrecision.Tf32)]
    [InlineData(GemmPrecision.Bf16)]
    public void BatchedStridedAndSplitKMatchFp32(GemmPrecision precision)
    {
        using var tensor = IlgpuDevices.OpenSimulator(maxGroupSize: 128, warpSize: 32, precision);
        var fp32 = IlgpuDevices.Open(IlgpuDevices.CpuSimulator);
        var random = new Random(11);
        var failures = new List<string>();
        // Three matrices per operand with gaps between them (strides larger than a matrix), k split
        // three ways (partials summed by the split-k kernel), and the 64-tile's four warps.
        foreach (var (tile, splits) in new[] { (GemmTileSize.Tile32, 3), (GemmTileSize.Tile64, 1) })
        {
            tensor.ForcedGemmTile = tile;
            tensor.ForcedGemmSplits = splits;
            var problem = GemmProblem.Random(random, 3, 40, 35, 70, transA: true, transB: false, gap: 7);
            var actual = problem.Run(tensor);
            failures.AddRange(problem.Check(precision, actual, problem.Run(fp32), $"{tile} splits={splits}", output.WriteLine));
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [InlineData(GemmPrecision.Tf32)]
    [InlineData(GemmPrecision.Bf16)]
    public void GpuLargeTileMatchesFp32(GemmPrecision precision)
    {
        // The 128-tile CUDA runs (16 warps, 4 x 4; 32-word slices) on a 512-thread simulator: one
        // partial tile in m and n, k over two slices and a partial third.
        using var tensor = IlgpuDevices.OpenSimulator(maxGroupSize: 512, warpSize: 32, precision);
        tensor.ForcedGemmTile = GemmTileSize.Tile128;
        tensor.ForcedGemmSplits = 1;
        var problem = GemmProblem.Random(new Random(23), 1, 100, 120, 150, transA: false, transB: true, gap: 0);
        var failures = problem.Check(precision, problem.Run(tensor), problem.Run(IlgpuDevices.Open(IlgpuDevices.CpuSimulator)), "Tile128", output.WriteLine);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void RoundingIsAppliedSoTheTestsCanSeeTheTensorPath()
    {
        // Guards the tests above against passing because the fp32 kernel ran: with TF32 inputs, a
        // product of values carrying 23 mantissa bits must differ from fp32's.
        using var tensor = IlgpuDevices.OpenSimulator(maxGroupSize: 32, warpSize: 32, GemmPrecision.Tf32);
        var problem = GemmProblem.Random(new Random(3), 1, 16, 16, 16, transA: false, transB: false, gap: 0);
        var actual = problem.Run(tensor);
        var fp32 = problem.Run(IlgpuDevices.Open(IlgpuDevices.CpuSimulator));
        Assert.Contains(actual.Zip(fp32), p => p.First != p.Second);
        Assert.Empty(problem.Check(GemmPrecision.Tf32, actual, fp32, "tf32", output.WriteLine));
    }

    [Fact]
    public void SimulatorWithNarrowWarpsRefusesTensorPrecisionInOneLine()
    {
        var e = Assert.Throws<DeviceException>(() => IlgpuDevices.OpenSimulator(maxGroupSize: 32, warpSize: 4, GemmPrecision.Bf16));
        Assert.Contains("bf16's emulation needs 32-lane warps; this simulator has 4", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
