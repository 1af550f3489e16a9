using KernelGan.Cli.Commands;
using KernelGan.Kernels.Checks;
using KernelGan.Kernels.Cpu;
using KernelGan.Kernels.Ilgpu;
using Xunit;
using Xunit.Abstractions;

namespace KernelGan.Tests.Ilgpu;

/// <summary>
/// The kernels on a real OpenCL runtime (PoCL's CPU device in CI): every IBackend member against
/// the CPU backend, and a few ref64 train steps. Sized for a 2-core machine: tiny comparison
/// shapes, ref64 at batch 4.
/// </summary>
[Collection(OpenCLCollection.Name)]
public class OpenCLDeviceTests(ITestOutputHelper output)
{
    public static TheoryData<string> Families => new(BackendComparison.Families);

    [OpenCLTheory]
    [MemberData(nameof(Families))]
    public void OpenCLMatchesCpuBackend(string family)
    {
        var device = OpenCLRuntime.Backend;
        output.WriteLine(device.Name);
        var results = new BackendComparison(Device.Cpu, device, ComparisonScale.Tiny).Run(families: [family]);
        foreach (var r in results) output.WriteLine(r.ToString());
        Assert.NotEmpty(results);
        var failures = results.Where(r => !r.Pass).ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of {results.Count} checks failed on {device.Name}:\n{string.Join("\n", failures)}");
    }

    [OpenCLFact]
    public void Ref64TrainStepsTrackTheCpuBackend()
    {
        var device = OpenCLRuntime.Backend;
        var steps = Ref64StepComparison.Run(new CpuBackend(), device, steps: 3, batch: 4);
        foreach (var s in steps) output.WriteLine(s.ToString());
        Assert.Equal(3, steps.Count);
        Assert.All(steps, s => Assert.True(s.Match, $"{device.Name}: {s}"));
        // The losses must move: a device whose steps did nothing would still match a CPU that did nothing.
        Assert.NotEqual(steps[0].CpuLossD, steps[^1].CpuLossD);
    }

    [OpenCLFact]
    public void TheDeviceTakenIsNamedAndListed()
    {
        var device = OpenCLRuntime.Backend;
        Assert.Matches(@"^opencl:\d+ \(.+, (GPU|CPU|accelerator|CL_DEVICE_TYPE_\w+)\)$", device.Name);
        string index = device.Name.Split(' ')[0];
        var listed = IlgpuDevices.Describe().Where(l => l.StartsWith(index + " ")).ToList();
        Assert.Single(listed);
        Assert.Contains("--device opencl takes this one", listed[0]);
    }

    [OpenCLFact]
    public void AutoTakesOnlyAGpuNeverAnOpenCLCpuDevice()
    {
        _ = OpenCLRuntime.Backend;
        var auto = Device.Open("auto");
        output.WriteLine($"auto: {auto.Name}");
        // An OpenCL CPU device (PoCL) is slower than the SIMD cpu backend: auto must not take it.
        Assert.False(auto.Name.StartsWith("opencl") && auto.Name.EndsWith(", CPU)"), $"auto took {auto.Name}");
    }
}
