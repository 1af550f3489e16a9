namespace KernelGan.Kernels.Ilgpu;

/// <summary>Finds and opens ILGPU accelerators (CUDA, OpenCL, ILGPU's CPU simulator).</summary>
public static class IlgpuDevices
{
    /// <summary>Opens "cuda", "opencl" or "ilgpu-cpu", or throws <see cref="DeviceException"/> saying why not.</summary>
    public static IBackend Open(string kind) =>
        throw new DeviceException($"device '{kind}': the ILGPU backend is not built into this version yet");

    /// <summary>The first CUDA or OpenCL GPU, or null when there is none.</summary>
    public static IBackend? TryOpenFirstGpu() => null;

    /// <summary>One line per accelerator found.</summary>
    public static IEnumerable<string> Describe() => ["(ILGPU backend not built into this version yet)"];
}
