using System.Collections.Concurrent;
using System.Diagnostics;

namespace KernelGan.Kernels.Cpu;

/// <summary>
/// Buffers that were never released: their finalizer reclaims the memory and reports here. The
/// count is always kept; where each leaked buffer was allocated is known only while
/// <see cref="Tracking"/> is on (a stack walk per allocation, too slow for the default), and then
/// each leak is also written to standard error.
/// </summary>
public static class BufferLeaks
{
    private const int RecentKept = 32;

    private static readonly ConcurrentQueue<string> s_recent = new();
    private static long s_count, s_bytes;

    /// <summary>Record allocation and release stacks: on in Debug builds and with KERNELGAN_TRACK_LEAKS=1.</summary>
    public static bool Tracking { get; set; } =
#if DEBUG
        true;
#else
        Environment.GetEnvironmentVariable("KERNELGAN_TRACK_LEAKS") == "1";
#endif

    /// <summary>Buffers finalized without being released, since the process started.</summary>
    public static long Count => Interlocked.Read(ref s_count);

    public static long Bytes => Interlocked.Read(ref s_bytes);

    /// <summary>The last few tracked leak reports, oldest first.</summary>
    public static IReadOnlyList<string> Recent => s_recent.ToArray();

    /// <summary>The stack of whoever called into the buffer (with files and lines where symbols exist).</summary>
    internal static string CallerStack() => new StackTrace(2, fNeedFileInfo: true).ToString();

    internal static void Report(string buffer, long bytes, string? allocatedAt)
    {
        Interlocked.Increment(ref s_count);
        Interlocked.Add(ref s_bytes, bytes);
        if (allocatedAt is null) return;
        string report = $"KernelGan leak: {buffer} was never released (dispose its Tensor, or create it inside a TensorScope); " +
                        $"the finalizer reclaimed it. Allocated at:{Environment.NewLine}{allocatedAt}";
        s_recent.Enqueue(report);
        while (s_recent.Count > RecentKept) s_recent.TryDequeue(out _);
        Console.Error.WriteLine(report);
    }
}
