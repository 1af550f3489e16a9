using KernelGan.Kernels;
using KernelGan.Kernels.Checks;
using KernelGan.Kernels.Ilgpu;
using Xunit;
using Xunit.Abstractions;

namespace KernelGan.Tests.Ilgpu;

/// <summary>
/// The GPU's GEMM configurations (64- and 128-tiles, 64 and 256 threads per group) on a private
/// simulator that allows 256-thread groups. The shared simulator keeps groups at 32 threads for
/// speed, so without this test the tiles CUDA actually runs would never execute here.
/// </summary>
[Collection(SimulatorCollection.Name)]
public class GemmTileTests(ITestOutputHelper output)
{
    [Fact]
    public void LargeTilesMatchCpuForEveryLayoutWithAndWithoutSplitK()
    {
        using var simulator = IlgpuDevices.OpenSimulator(maxGroupSize: 256);
        // Partial tiles in every dimension of a 128-tile (m, n not multiples of 128; k not of 8), and
        // k long enough for 40 forced splits to be more than one fold (SplitKKernel.FoldWidth).
        const int m = 130, n = 70, k = 325;
        var random = new Random(5);
        float[] Fill(int count) => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var a = Fill(m * k);
        var b = Fill(k * n);
        var c = Fill(m * n);
        var failures = new List<string>();
        foreach (var tile in new[] { GemmTileSize.Tile64, GemmTileSize.Tile128 })
        foreach (int splits in new[] { 1, 2, 40 })
        foreach (bool ta in new[] { false, true })
        foreach (bool tb in new[] { false, true })
        {
            simulator.ForcedGemmTile = tile;
            simulator.ForcedGemmSplits = splits;
            // No batch: one matrix each, strides unused.
            var problem = new GemmProblem(1, m, n, k, ta, tb, ta ? m : k, tb ? k : n, 0, 0, 0, 1.25f, 0.5f, a, b, c);
            var expected = problem.Run(Device.Cpu);
            var actual = problem.Run(simulator);
            var check = BackendComparison.Measure("Gemm", $"{tile} splits={splits} ta={ta} tb={tb}", 2e-5, [expected], [actual]);
            output.WriteLine(check.ToString());
            if (!check.Pass) failures.Add(check.ToString());
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
