using ILGPU;
using ILGPU.Backends.OpenCL;
using ILGPU.Runtime.OpenCL;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>
/// Which OpenCL device `--device opencl` takes: every device ILGPU's OpenCL backend can drive
/// (OpenCL C 2.0 or later, any type: GPU, CPU such as PoCL, accelerator) is listed as
/// opencl:N in platform order; the first GPU is preferred, and a CPU or other device is taken
/// only when no GPU exists. `auto` never takes a non-GPU OpenCL device: the SIMD `cpu` backend is
/// the fast path on CPUs, and an OpenCL CPU runtime is there to run the GPU kernels for real.
/// </summary>
internal static class OpenCLDevices
{
    /// <summary>What ILGPU's OpenCL backend needs to generate code at all (the generic address space is worked around, see <see cref="GlobalOnlyOpenCL"/>).</summary>
    private static bool Drivable(CLDevice device) => device.CLStdVersion >= CLBackend.MinimumVersion;

    /// <summary>The driver library's problem, null when it loads.</summary>
    public static string? DriverProblem()
    {
        NativeDriverLibraries.EnsureResolver();
        return NativeDriverLibraries.LoadProblem(OperatingSystem.IsWindows() ? "opencl" : "OpenCL");
    }

    public static bool IsGpu(CLDevice device) => device.DeviceType.HasFlag(CLDeviceType.CL_DEVICE_TYPE_GPU);

    /// <summary>The index (into <paramref name="devices"/>) `--device opencl` takes: the first drivable GPU, else the first drivable device; -1 if none.</summary>
    public static int PreferredIndex(IReadOnlyList<CLDevice> devices)
    {
        int firstDrivable = -1;
        for (int i = 0; i < devices.Count; i++)
        {
            if (!Drivable(devices[i])) continue;
            if (IsGpu(devices[i])) return i;
            if (firstDrivable < 0) firstDrivable = i;
        }
        return firstDrivable;
    }

    /// <summary>A context over every OpenCL device ILGPU finds (drivable or not, so listings can say why not).</summary>
    private static Context CreateContext(bool forCompute) => Context.Create(b =>
    {
        b.OpenCL(_ => true);
        if (forCompute) IlgpuDevices.GpuContextOptions(b);
    });

    /// <summary>True when an OpenCL GPU that ILGPU can drive is present (what `auto` may take).</summary>
    public static bool HasGpu()
    {
        if (DriverProblem() is not null) return false;
        try
        {
            using var context = CreateContext(forCompute: false);
            var devices = context.Devices.OfType<CLDevice>().ToList();
            int index = PreferredIndex(devices);
            return index >= 0 && IsGpu(devices[index]);
        }
        catch (Exception)
        {
            return false; // a broken driver: `auto` falls back to the next choice; `--device opencl` reports it
        }
    }

    /// <summary>Opens the preferred device, or throws <see cref="DeviceException"/> with a one-line reason.</summary>
    public static IlgpuBackend Open()
    {
        const string kind = IlgpuDevices.OpenCL;
        string? problem = DriverProblem();
        if (problem is not null) throw new DeviceException($"device '{kind}': no OpenCL device found ({problem})");
        return IlgpuDevices.OpenInContext(kind, () => CreateContext(forCompute: true), context =>
        {
            var devices = context.Devices.OfType<CLDevice>().ToList();
            int index = PreferredIndex(devices);
            if (index < 0)
                throw new DeviceException(devices.Count == 0
                    ? $"device '{kind}': no OpenCL device found (the OpenCL loader found no platform with a device; is an ICD such as pocl-opencl-icd installed?)"
                    : $"device '{kind}': no usable OpenCL device ({string.Join("; ", devices.Select(d => $"{d.Name}: OpenCL C {d.CLStdVersion}, ILGPU needs {CLBackend.MinimumVersion}"))})");
            var device = devices[index];
            bool globalOnly = GlobalOnlyOpenCL.Lack(device) is not null;
            if (globalOnly) GlobalOnlyOpenCL.AdmitDevice(device);
            var accelerator = device.CreateAccelerator(context);
            return new IlgpuBackend($"{kind}:{index} ({device.Name}, {TypeName(device)})", context, accelerator) { GlobalPointersOnly = globalOnly };
        });
    }

    /// <summary>One line per OpenCL device (index, what it is, whether and how it is used), or why there is none.</summary>
    public static void Describe(List<string> lines)
    {
        const string kind = IlgpuDevices.OpenCL;
        string? problem = DriverProblem();
        if (problem is not null)
        {
            lines.Add($"{kind,-10} none ({problem})");
            return;
        }
        try
        {
            using var context = CreateContext(forCompute: false);
            var devices = context.Devices.OfType<CLDevice>().ToList();
            int preferred = PreferredIndex(devices);
            for (int i = 0; i < devices.Count; i++)
            {
                var d = devices[i];
                string use = !Drivable(d) ? $"; not usable: OpenCL C {d.CLStdVersion}, ILGPU needs {CLBackend.MinimumVersion}"
                    : i == preferred ? "; --device opencl takes this one" : "";
                string lack = GlobalOnlyOpenCL.Lack(d) is { } l ? $"; {l}: kernels built with global pointers" : "";
                lines.Add($"{$"{kind}:{i}",-10} {IlgpuDevices.DescribeDevice(d)}{lack}{use}");
            }
            if (devices.Count == 0) lines.Add($"{kind,-10} none (driver loaded, no OpenCL platform offers a device)");
        }
        catch (Exception e)
        {
            lines.Add($"{kind,-10} none ({NativeDriverLibraries.FirstLine(e.Message)})");
        }
    }

    /// <summary>"GPU", "CPU", "accelerator" or the raw type.</summary>
    public static string TypeName(CLDevice device) =>
        IsGpu(device) ? "GPU"
        : device.DeviceType.HasFlag(CLDeviceType.CL_DEVICE_TYPE_CPU) ? "CPU"
        : device.DeviceType.HasFlag(CLDeviceType.CL_DEVICE_TYPE_ACCELERATOR) ? "accelerator"
        : device.DeviceType.ToString();
}
