using Xunit;

namespace KernelGan.Tests.Cli;

/// <summary>The quick benchmarks the GPU record is made of run end to end (on the CPU, tiny sizes) and print what they promise.</summary>
public class BenchCommandTests
{
    [Fact]
    public void ConvBenchmarkTimesEveryRef64LayerWithPositiveTimes()
    {
        var r = CliHarness.Run("bench", "conv", "--device", "cpu", "--batch", "1", "--steps", "1", "--warmup", "0");
        Assert.Equal(0, r.ExitCode);
        var rows = r.Out.Split('\n').Where(l => l.StartsWith("  D") || l.StartsWith("  G")).ToArray();
        Assert.Equal(10, rows.Length);
        foreach (var row in rows)
        {
            var times = row[22..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(3).Select(double.Parse).ToArray();
            Assert.All(times, t => Assert.True(t > 0, row));
        }
        Assert.Contains("total ms (all layers, three kernels each):", r.Out);
    }

    [Fact]
    public void PeakPrintsTheCpusMultiplyAddRateAndRefusesOtherDevices()
    {
        var r = CliHarness.Run("bench", "peak", "--device", "cpu", "--steps", "1");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("independent multiply-add chains per core", r.Out);
        double rate = double.Parse(r.Out.Split('\n').Single(l => l.StartsWith("GFLOP/s: "))["GFLOP/s: ".Length..]);
        Assert.True(rate > 0, r.Out);
        CliHarness.AssertOneLineError(CliHarness.Run("bench", "peak", "--device", "ilgpu-cpu"), "measures the CPU");
    }

    [Fact]
    public void ProfileBreaksTheStepDownByKernelFamily()
    {
        var r = CliHarness.Run("bench", "profile", "--device", "cpu", "--batch", "2", "--steps", "1", "--warmup", "1");
        Assert.Equal(0, r.ExitCode);
        foreach (var family in new[] { "conv.fwd", "conv.bwd-data", "conv.bwd-weight", "optim.adam", "(outside kernels)" })
            Assert.Contains(family, r.Out);
    }

    [Fact]
    public void ProfileBreaksTheSegmentersStepDown()
    {
        var r = CliHarness.Run("bench", "profile", "--config", "unet", "--size", "16", "--width", "4", "--device", "cpu", "--batch", "2", "--steps", "1", "--warmup", "0");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("U-Net (width 4) segmenter step at 16x16, batch 2", r.Out);
        foreach (var family in new[] { "conv.fwd", "conv.bwd-data", "spatial.upsample-nearest", "optim.adam" })
            Assert.Contains(family, r.Out);
    }

    [Fact]
    public void ProfileRunsASavedRunsStepAndCountsSubnormalOperands()
    {
        var run = Directory.CreateTempSubdirectory("kg-profile-run-").FullName;
        try
        {
            var train = CliHarness.Run("train", "--out", run, "--device", "cpu", "--arch", "small", "--size", "32", "--batch", "4",
                                       "--steps", "2", "--checkpoint-every", "1", "--no-segmenter");
            Assert.Equal(0, train.ExitCode);
            var r = CliHarness.Run("bench", "profile", "--run", run, "--device", "cpu", "--steps", "1", "--warmup", "0", "--denormals");
            Assert.Equal(0, r.ExitCode);
            Assert.Contains("small train step at 32x32, batch 4, from ", r.Out);
            Assert.Contains("(step 2, data synthetic)", r.Out);
            Assert.Contains("conv.fwd", r.Out);
            Assert.Contains("subnormal floats in convolution operands", r.Out);
            CliHarness.AssertOneLineError(CliHarness.Run("bench", "profile", "--run", Path.Combine(run, "missing"), "--device", "cpu"), "holds no config.json");
            // The saved run's shape is what is timed: a shape option beside --run would be ignored, so it is refused.
            CliHarness.AssertOneLineError(CliHarness.Run("bench", "profile", "--run", run, "--batch", "8", "--device", "cpu"), "--batch does not apply with --run");
        }
        finally { Directory.Delete(run, recursive: true); }
    }

    [Fact]
    public void LoopBenchmarkTimesTheLoopBesideTheStep()
    {
        var r = CliHarness.Run("bench", "loop", "--device", "cpu", "--config", "small", "--size", "32", "--batch", "2",
                               "--steps", "3", "--warmup", "1", "--stats-every", "2", "--baseline", "--r1", "1");
        Assert.Equal(0, r.ExitCode);
        foreach (var line in new[] { "bare step (bench step):", "training loop:", "loop, baseline:", "training loop, R1 1:", "of the loop without R1", "loop/step: " })
            Assert.Contains(line, r.Out);
        double ratio = double.Parse(r.Out.Split('\n').Single(l => l.StartsWith("loop/step: "))["loop/step: ".Length..]);
        Assert.True(ratio > 0, r.Out);
    }

    [Fact]
    public void LoopBenchmarkRefusesAMissingFolderInOneLine()
    {
        CliHarness.AssertOneLineError(CliHarness.Run("bench", "loop", "--device", "cpu", "--data", "/nonexistent/kg-folder"), "/nonexistent/kg-folder");
    }

    [Fact]
    public void GemmAtTf32RunsTheEmulatedTensorCorePathOnTheSimulator()
    {
        var r = CliHarness.Run("bench", "gemm", "--device", "ilgpu-cpu", "--precision", "tf32", "--n", "40", "--steps", "1", "--warmup", "0");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("bench gemm: 40x40x40 tf32 inputs, fp32 accumulation, on ilgpu-cpu", r.Out);
        Assert.EndsWith(" tf32", r.Out.Split('\n').First(l => l.StartsWith("bench gemm")).TrimEnd());
    }

    [Theory]
    [InlineData("cpu", "tf32", "device 'cpu' computes GEMMs in fp32 only")]
    [InlineData("opencl", "bf16", "OpenCL computes GEMMs in fp32 only")]
    [InlineData("cpu", "fp16", "unknown precision 'fp16'")]
    public void PrecisionADeviceCannotHonourIsAOneLineError(string device, string precision, string message)
    {
        CliHarness.AssertOneLineError(CliHarness.Run("bench", "gemm", "--device", device, "--precision", precision, "--n", "8"), message);
    }

    [Fact]
    public void UnknownBenchmarkIsAOneLineError()
    {
        CliHarness.AssertOneLineError(CliHarness.Run("bench", "fft"), "fft", "conv");
    }
}
