using System.Diagnostics;
using Xunit;

namespace KernelGan.Tests.Cli;

/// <summary>
/// `--device opencl` where the OpenCL loader finds no device: one line, non-zero exit. The loader
/// is told to look for drivers in an empty place (OCL_ICD_VENDORS, ocl-icd's variable); that must
/// happen before it first loads, so the command runs in its own process. Without any OpenCL
/// loader installed the same command fails the same way, for that reason instead.
/// </summary>
public class NoOpenCLDeviceTests
{
    [Theory]
    [InlineData("selftest", "--device", "opencl", "--scale", "tiny", "--steps", "0")]
    [InlineData("bench", "gemm", "--device", "opencl", "--n", "8")]
    public void OpenCLWithoutADeviceIsAOneLineError(params string[] args)
    {
        var r = RunIsolated(args, ("OCL_ICD_VENDORS", Path.Combine(Path.GetTempPath(), $"kernelgan-no-icd-{Guid.NewGuid():N}")));
        CliHarness.AssertOneLineError(r, "device 'opencl'", "no OpenCL device found");
    }

    private static CliHarness.Result RunIsolated(string[] args, params (string Name, string Value)[] environment)
    {
        string cli = typeof(KernelGan.Cli.Program).Assembly.Location; // kernelgan.dll beside the tests
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(cli);
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "the CLI did not exit within a minute");
        return new CliHarness.Result(process.ExitCode, stdout.Result, stderr);
    }
}
