using KernelGan.Kernels;
using KernelGan.Kernels.Ilgpu;
using Xunit;
using Xunit.Abstractions;

namespace KernelGan.Tests.Ilgpu;

/// <summary>Opening devices by name: real errors with one-line reasons, no silent fallback, one backend per kind.</summary>
[Collection(SimulatorCollection.Name)]
public class DeviceSelectionTests(ITestOutputHelper output)
{
    [Fact]
    public void CudaOpensOrFailsWithAOneLineReason()
    {
        try
        {
            var backend = Device.Open("cuda");
            // A machine with an NVIDIA GPU: it must really be one.
            Assert.StartsWith("cuda:0 (", backend.Name);
        }
        catch (DeviceException e)
        {
            output.WriteLine(e.Message);
            Assert.StartsWith("device 'cuda': ", e.Message);
            Assert.DoesNotContain('\n', e.Message);
            Assert.DoesNotContain(" at ", e.Message); // a reason, not a stack trace
        }
    }

    [Fact]
    public void OpenCLOpensOrFailsWithAOneLineReason()
    {
        try
        {
            Assert.StartsWith("opencl:0 (", Device.Open("opencl").Name);
        }
        catch (DeviceException e)
        {
            output.WriteLine(e.Message);
            Assert.StartsWith("device 'opencl': ", e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
    }

    [Fact]
    public void NoGpuMeansAutoIsTheCpuBackendAndFirstGpuIsNull()
    {
        var gpu = IlgpuDevices.TryOpenFirstGpu();
        if (gpu is null)
            Assert.Same(Device.Cpu, Device.Open("auto"));
        else
            Assert.Same(gpu, Device.Open("auto"));
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:1")]
    [InlineData("")]
    public void UnknownDeviceNamesAreRejected(string name)
    {
        var e = Assert.Throws<DeviceException>(() => Device.Open(name));
        Assert.Contains("unknown device", e.Message);
        Assert.Throws<DeviceException>(() => IlgpuDevices.Open(name));
    }

    [Fact]
    public void SimulatorIsOpenedOnceAndShared()
    {
        var first = Device.Open("ilgpu-cpu");
        Assert.Same(first, Device.Open("ILGPU-CPU"));
        Assert.StartsWith("ilgpu-cpu", first.Name);
    }

    [Fact]
    public void DescribeListsEveryKindWithoutThrowing()
    {
        var lines = IlgpuDevices.Describe().ToList();
        foreach (var line in lines) output.WriteLine(line);
        Assert.Contains(lines, l => l.StartsWith("cuda"));
        Assert.Contains(lines, l => l.StartsWith("opencl"));
        Assert.Contains(lines, l => l.StartsWith("ilgpu-cpu"));
        Assert.All(lines, l => Assert.DoesNotContain('\n', l));
    }

    [Fact]
    public void DriverLibraryNamesIncludeTheVersionedSoname()
    {
        if (!OperatingSystem.IsLinux()) return;
        Assert.Equal(["libcuda.so", "libcuda.so.1"], NativeDriverLibraries.Candidates("cuda"));
        Assert.Equal(["libOpenCL.so", "libOpenCL.so.1"], NativeDriverLibraries.Candidates("OpenCL"));
    }

    [Fact]
    public void BuffersOfAnotherDeviceAreRejected()
    {
        var simulator = Device.Open("ilgpu-cpu");
        var cpuBuffer = Device.Cpu.Allocate(4);
        try
        {
            var e = Assert.Throws<ArgumentException>(() => simulator.Unary(UnaryOp.Exp, cpuBuffer, cpuBuffer, 4));
            Assert.Contains("not an ILGPU backend", e.Message);
        }
        finally
        {
            cpuBuffer.Release();
        }
    }
}
