using Xunit;

namespace KernelGan.Tests.Cli;

/// <summary>
/// `selftest --precision` is the GPU's check of the tensor-core GEMM (the one command a GPU session
/// runs first); here it runs end to end on the simulator's emulation and must pass.
/// </summary>
public class SelfTestPrecisionTests
{
    [Fact]
    public void Bf16SelftestPassesOnTheEmulation()
    {
        var r = CliHarness.Run("selftest", "--device", "ilgpu-cpu", "--precision", "bf16", "--scale", "tiny");
        Assert.True(r.ExitCode == 0, r.Out + r.Error);
        Assert.Contains("GEMMs against ilgpu-cpu", r.Out);
        Assert.Contains("batched, strided: worst error / bound", r.Out);
        Assert.EndsWith("selftest: PASS", r.Out.TrimEnd());
    }
}
