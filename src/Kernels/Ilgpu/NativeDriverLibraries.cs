using System.Reflection;
using System.Runtime.InteropServices;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>
/// ILGPU imports the CUDA driver as "cuda" and OpenCL as "OpenCL", which .NET probes on Linux as
/// libcuda.so / libOpenCL.so: development symlinks that machines with only the driver installed
/// don't have (they have libcuda.so.1). Without this resolver CUDA devices silently vanish. It must
/// be installed before ILGPU touches its driver APIs, i.e. before the first Context is created.
/// </summary>
internal static class NativeDriverLibraries
{
    private static readonly object Gate = new();
    private static bool _installed;

    /// <summary>Set when another component registered a resolver for ILGPU first (ours then can't run).</summary>
    public static string? InstallProblem { get; private set; }

    public static void EnsureResolver()
    {
        lock (Gate)
        {
            if (_installed) return;
            _installed = true;
            try
            {
                NativeLibrary.SetDllImportResolver(typeof(ILGPU.Context).Assembly, Resolve);
            }
            catch (InvalidOperationException)
            {
                InstallProblem = "another DllImport resolver is registered for ILGPU";
            }
        }
    }

    /// <summary>The driver library names tried for an ILGPU import name, unversioned first.</summary>
    public static string[] Candidates(string importName) => importName switch
    {
        "cuda" when OperatingSystem.IsLinux() => ["libcuda.so", "libcuda.so.1"],
        "OpenCL" when OperatingSystem.IsLinux() => ["libOpenCL.so", "libOpenCL.so.1"],
        "cuda" when OperatingSystem.IsWindows() => ["nvcuda.dll"],
        "opencl" when OperatingSystem.IsWindows() => ["OpenCL.dll"],
        _ => [],
    };

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        foreach (var candidate in Candidates(name))
            if (NativeLibrary.TryLoad(candidate, assembly, searchPath, out var handle))
                return handle;
        return IntPtr.Zero; // default probing
    }

    /// <summary>Null when a driver library for <paramref name="importName"/> loads, else a short reason.</summary>
    public static string? LoadProblem(string importName)
    {
        var candidates = Candidates(importName);
        if (candidates.Length == 0) return $"no known driver library name for '{importName}' on this OS";
        string? last = null;
        foreach (var candidate in candidates)
        {
            try
            {
                NativeLibrary.Free(NativeLibrary.Load(candidate));
                return null;
            }
            catch (DllNotFoundException e)
            {
                last = LoaderReason(e.Message, candidate);
            }
            catch (BadImageFormatException e)
            {
                last = FirstLine(e.Message);
            }
        }
        return $"{candidates[^1]} not loadable: {last}";
    }

    /// <summary>
    /// The dynamic loader's own words ("libcuda.so.1: cannot open shared object file: No such file
    /// or directory") from .NET's multi-line DllNotFoundException message, else its first line.
    /// </summary>
    private static string LoaderReason(string message, string library)
    {
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var loaderLine = lines.FirstOrDefault(l => l.StartsWith(library + ":", StringComparison.Ordinal));
        return loaderLine?[(library.Length + 1)..].Trim() ?? FirstLine(message);
    }

    /// <summary>The first line of an error message, capped in length.</summary>
    public static string FirstLine(string message)
    {
        string line = message.Split('\n', 2)[0].Trim();
        return line.Length > 300 ? line[..300] + "..." : line;
    }
}
