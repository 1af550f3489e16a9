namespace KernelGan.Kernels.Cpu;

/// <summary>
/// Splits work over the machine's cores. Small jobs stay on the calling thread: a parallel
/// dispatch costs microseconds, more than a few thousand cheap element updates.
/// </summary>
public static class CpuParallel
{
    public static int Workers { get; set; } = Environment.ProcessorCount;

    /// <summary>Runs body(start, end) over [0, count) in about Workers contiguous chunks.</summary>
    /// <param name="grain">Below this many items per worker, everything runs on one thread.</param>
    public static void For(int count, int grain, Action<int, int> body)
    {
        int workers = Math.Min(Workers, Math.Max(1, count / Math.Max(1, grain)));
        if (workers <= 1)
        {
            if (count > 0) body(0, count);
            return;
        }
        int chunk = (count + workers - 1) / workers;
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            int start = w * chunk, end = Math.Min(count, start + chunk);
            if (start < end) body(start, end);
        });
    }

    /// <summary>Runs body(i) for each of count independent tasks (e.g. images, channels).</summary>
    public static void ForEach(int count, Action<int> body)
    {
        if (count <= 1 || Workers <= 1)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Workers }, body);
    }
}
