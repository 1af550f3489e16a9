using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>
/// Finds and opens ILGPU accelerators: "cuda", "opencl" (which one: <see cref="OpenCLDevices"/>), or
/// "ilgpu-cpu" (ILGPU's CPU simulator, a slow correctness harness). One backend per kind per process, opened on first request and
/// shared; a device that can't be opened is a <see cref="DeviceException"/> with a one-line
/// reason, never a silent fallback.
/// </summary>
public static class IlgpuDevices
{
    public const string Cuda = "cuda", OpenCL = "opencl", CpuSimulator = "ilgpu-cpu";

    public static readonly string[] Kinds = [Cuda, OpenCL, CpuSimulator];

    private static readonly object Gate = new();
    private static readonly Dictionary<string, IlgpuBackend> OpenBackends = new();

    /// <summary>Opens "cuda", "opencl" or "ilgpu-cpu", or throws <see cref="DeviceException"/> saying why not.</summary>
    public static IBackend Open(string kind) => Open(kind, GemmPrecision.Fp32);

    /// <summary>
    /// Opens a device whose GEMMs and convolutions take <paramref name="precision"/> inputs. One
    /// backend per (kind, precision): a precision is fixed for a backend's life, so a process that
    /// asks for two gets two (the CLI asks for one).
    /// </summary>
    public static IBackend Open(string kind, GemmPrecision precision)
    {
        kind = kind.ToLowerInvariant();
        string key = precision == GemmPrecision.Fp32 ? kind : $"{kind} {precision.Name()}";
        lock (Gate)
        {
            if (OpenBackends.TryGetValue(key, out var open)) return open;
            var backend = kind switch
            {
                Cuda => OpenCuda(precision),
                OpenCL => precision == GemmPrecision.Fp32 ? OpenCLDevices.Open()
                    : throw new DeviceException($"device '{OpenCL}': --precision {precision.Name()} runs on CUDA tensor cores (or emulated on {CpuSimulator}); OpenCL computes GEMMs in fp32 only"),
                // The tensor-core GEMM's emulation needs PTX's 32-lane warps (one warp per 32-thread group).
                CpuSimulator => OpenSimulator(maxGroupSize: 32, warpSize: precision == GemmPrecision.Fp32 ? 4 : 32, precision),
                _ => throw new DeviceException($"unknown ILGPU device '{kind}' (expected one of: {string.Join(", ", Kinds)})"),
            };
            backend.Disposed = Forget;
            OpenBackends[key] = backend;
            return backend;
        }
    }

    /// <summary>The first CUDA GPU, else the first OpenCL GPU, else null (never an OpenCL CPU device: the `cpu` backend is faster there).</summary>
    public static IBackend? TryOpenFirstGpu()
    {
        try
        {
            return Open(Cuda);
        }
        catch (DeviceException)
        {
            // No CUDA GPU on this machine: try OpenCL.
        }
        try
        {
            return OpenCLDevices.HasGpu() ? Open(OpenCL) : null;
        }
        catch (DeviceException)
        {
            return null;
        }
    }

    /// <summary>One line per accelerator found (kind, name, memory, compute capability or warp size), and why a kind has none.</summary>
    public static IEnumerable<string> Describe()
    {
        var lines = new List<string>();
        NativeDriverLibraries.EnsureResolver();
        DescribeKind(lines, Cuda, b => b.Cuda(), ctx => ctx.Devices.OfType<CudaDevice>());
        OpenCLDevices.Describe(lines);
        lines.Add($"{CpuSimulator,-10} ILGPU CPU simulator (correctness harness only, orders of magnitude slower than 'cpu')");
        return lines;
    }

    /// <summary>
    /// ILGPU context options for GPU devices (the code-generation tests use the same): ILGPU.Algorithms
    /// for the math intrinsics, and ILGPU's default release optimization level (its most tested; O2
    /// generated almost the same GEMM code).
    /// </summary>
    internal static Context.Builder GpuContextOptions(Context.Builder builder) =>
        builder.EnableAlgorithms().Optimize(OptimizationLevel.O1);

    /// <summary>
    /// A private simulator backend (not shared): tests use one with 256-thread groups to run the
    /// GPU's 128-tile GEMM, which the shared simulator's small groups can't launch.
    /// </summary>
    internal static IlgpuBackend OpenSimulator(int maxGroupSize, int warpSize = 4, GemmPrecision precision = GemmPrecision.Fp32)
    {
        // Groups of at most maxGroupSize threads; one multiprocessor. Every simulated thread is an OS
        // thread that joins every barrier of every launch, so small groups keep the harness fast.
        // Only the tensor-core GEMM's emulation uses warp-level operations and needs 32 lanes.
        var device = new CPUDevice(numThreadsPerWarp: warpSize, numWarpsPerMultiprocessor: maxGroupSize / warpSize, numMultiprocessors: 1);
        var context = Context.Create(b => b.CPU(device).EnableAlgorithms());
        try
        {
            var accelerator = device.CreateCPUAccelerator(context, CPUAcceleratorMode.Parallel);
            return new IlgpuBackend($"{CpuSimulator} (ILGPU CPU simulator, {maxGroupSize}-thread groups)", context, accelerator, precision);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    private static IlgpuBackend OpenCuda(GemmPrecision precision)
    {
        NativeDriverLibraries.EnsureResolver();
        string? problem = NativeDriverLibraries.LoadProblem("cuda");
        if (problem is not null) throw new DeviceException($"device '{Cuda}': no CUDA GPU found ({problem})");
        return OpenFirst(Cuda, b => b.Cuda(), ctx => ctx.Devices.OfType<CudaDevice>().Cast<Device>().ToList(),
            "no CUDA GPU found (the CUDA driver loaded but reports no usable devices)",
            (device, index) => $"{Cuda}:{index} ({device.Name})", precision);
    }

    private static IlgpuBackend OpenFirst(string kind, Func<Context.Builder, Context.Builder> select,
                                          Func<Context, List<Device>> devices, string noneMessage, Func<Device, int, string> name,
                                          GemmPrecision precision = GemmPrecision.Fp32) =>
        OpenInContext(kind, () => Context.Create(b => GpuContextOptions(select(b))), context =>
        {
            var found = devices(context);
            if (found.Count == 0) throw new DeviceException($"device '{kind}': {noneMessage}");
            var accelerator = found[0].CreateAccelerator(context);
            return new IlgpuBackend(name(found[0], 0), context, accelerator, precision);
        });

    /// <summary>
    /// Creates a context and opens a backend on it. On failure the context is disposed and the error
    /// becomes one <see cref="DeviceException"/> line naming the device kind (CUDA and OpenCL alike).
    /// </summary>
    internal static IlgpuBackend OpenInContext(string kind, Func<Context> createContext, Func<Context, IlgpuBackend> open)
    {
        Context? context = null;
        try
        {
            context = createContext();
            return open(context);
        }
        catch (DeviceException)
        {
            context?.Dispose();
            throw;
        }
        catch (Exception e)
        {
            context?.Dispose();
            throw new DeviceException($"device '{kind}': {NativeDriverLibraries.FirstLine(e.Message)}");
        }
    }

    private static void DescribeKind<TDevice>(List<string> lines, string kind, Func<Context.Builder, Context.Builder> select,
                                              Func<Context, IEnumerable<TDevice>> devices) where TDevice : Device
    {
        string? problem = NativeDriverLibraries.LoadProblem("cuda");
        if (problem is not null)
        {
            lines.Add($"{kind,-10} none ({problem})");
            return;
        }
        try
        {
            using var context = Context.Create(b => select(b));
            int index = 0;
            foreach (var device in devices(context))
                lines.Add($"{$"{kind}:{index++}",-10} {DescribeDevice(device)}");
            if (index == 0) lines.Add($"{kind,-10} none (driver loaded, no usable devices)");
        }
        catch (Exception e)
        {
            lines.Add($"{kind,-10} none ({NativeDriverLibraries.FirstLine(e.Message)})");
        }
    }

    /// <summary>Name, memory, capability or device type, warp size, multiprocessors.</summary>
    internal static string DescribeDevice(Device device)
    {
        string memory = $"{device.MemorySize / (1024.0 * 1024 * 1024):F1} GiB";
        string capability = device is CudaDevice cuda && cuda.Architecture is { } arch
            ? $"compute {arch.Major}.{arch.Minor}"
            : device is CLDevice cl ? $"{OpenCLDevices.TypeName(cl)}, OpenCL {cl.DeviceVersion}" : "";
        return $"{device.Name}, {memory}, {capability}, {(device.WarpSize > 0 ? $"warp {device.WarpSize}, " : "")}{device.NumMultiprocessors} multiprocessors";
    }

    private static void Forget(IlgpuBackend backend)
    {
        lock (Gate)
        {
            foreach (var (kind, open) in OpenBackends.ToList())
                if (ReferenceEquals(open, backend)) OpenBackends.Remove(kind);
        }
    }
}
