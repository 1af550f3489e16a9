using KernelGan.Kernels;
using KernelGan.Kernels.Cpu;

namespace KernelGan;

/// <summary>
/// Chooses backends by name: <c>cpu</c>, <c>cuda</c>, <c>opencl</c> (the first OpenCL GPU, else
/// the first other OpenCL device, e.g. PoCL on a CPU), <c>ilgpu-cpu</c> (ILGPU's CPU accelerator, a
/// slow correctness harness) or <c>auto</c> (the first CUDA or OpenCL GPU found, else cpu).
/// Asking for a device that isn't there is an error, never a silent fallback.
/// </summary>
public static class Device
{
    public static readonly string[] Names = ["auto", "cpu", "cuda", "opencl", "ilgpu-cpu"];

    /// <summary>
    /// The CPU backend; also where a tensor made without naming a backend lives. There is no
    /// ambient "current device": modules, trainers and predictors are given their backend, and a
    /// tensor made from others lives on theirs.
    /// </summary>
    public static IBackend Cpu => CpuBackend.Instance;

    /// <summary>Opens the named device, throwing <see cref="DeviceException"/> with a one-line reason if it can't.</summary>
    public static IBackend Open(string name) => Open(name, GemmPrecision.Fp32);

    /// <summary>
    /// Opens the named device with its GEMMs and convolutions taking <paramref name="precision"/>
    /// inputs. TF32 and BF16 run on CUDA tensor cores, or emulated on ilgpu-cpu (to check the
    /// kernels); every other device refuses them rather than silently computing in fp32.
    /// </summary>
    public static IBackend Open(string name, GemmPrecision precision)
    {
        name = name.ToLowerInvariant();
        if (precision == GemmPrecision.Fp32)
        {
            return name switch
            {
                "cpu" => CpuBackend.Instance,
                "auto" => Kernels.Ilgpu.IlgpuDevices.TryOpenFirstGpu() ?? CpuBackend.Instance,
                "cuda" or "opencl" or "ilgpu-cpu" => Kernels.Ilgpu.IlgpuDevices.Open(name),
                _ => throw Unknown(name),
            };
        }
        return name switch
        {
            "cpu" => throw new DeviceException($"device 'cpu' computes GEMMs in fp32 only; --precision {precision.Name()} needs --device cuda (tensor cores) or ilgpu-cpu (their emulation)"),
            // No fallback to the CPU for auto: the precision asked for would silently not apply.
            "auto" or "cuda" => Kernels.Ilgpu.IlgpuDevices.Open("cuda", precision),
            "opencl" or "ilgpu-cpu" => Kernels.Ilgpu.IlgpuDevices.Open(name, precision),
            _ => throw Unknown(name),
        };
    }

    private static DeviceException Unknown(string name) => new($"unknown device '{name}' (expected one of: {string.Join(", ", Names)})");
}
