namespace KernelGan.Kernels.Cpu;

/// <summary>
/// Splits work over the machine's cores. Small jobs stay on the calling thread: a parallel
/// dispatch costs microseconds, more than a few thousand cheap element updates. Larger jobs are
/// cut into a few chunks per core and handed out dynamically, so a core slowed by other work on
/// the machine doesn't hold the others up at the join. Chunks run on the backend's own spinning
/// workers (<see cref="SpinningWorkers"/>: awake between the kernels of a step), or, when those
/// are busy with another thread's job, on the thread pool.
/// </summary>
public static class CpuParallel
{
    /// <summary>Chunks per worker for dynamic balancing.</summary>
    private const int ChunksPerWorker = 4;

    public static int Workers { get; set; } = Environment.ProcessorCount;

    /// <summary>Runs body(start, end) over [0, count) in contiguous chunks.</summary>
    /// <param name="grain">Below this many items per chunk, everything runs on one thread.</param>
    public static void For(int count, int grain, Action<int, int> body)
    {
        int workers = Workers;
        int chunks = ChunkCount(count, grain, workers);
        if (chunks <= 1 || workers <= 1)
        {
            if (count > 0) body(0, count);
            return;
        }
        Run(chunks, c =>
        {
            int start = (int)((long)count * c / chunks), end = (int)((long)count * (c + 1) / chunks);
            if (start < end) body(start, end);
        });
    }

    private static int ChunkCount(int count, int grain, int workers) =>
        workers <= 1 ? 1 : Math.Min(workers * ChunksPerWorker, Math.Max(1, count / Math.Max(1, grain)));

    /// <summary>
    /// Runs body(segment, start, end) over exactly the chunks <see cref="For"/> would cut each
    /// segment's [0, counts[segment]) into, but all segments' chunks in one parallel dispatch: a
    /// kernel whose result depends on where its chunks begin and end (SIMD body, scalar tail) gives
    /// the same bits as one <see cref="For"/> per segment, at the cost of one dispatch.
    /// </summary>
    public static void ForSegments(ReadOnlySpan<int> counts, int grain, Action<int, int, int> body)
    {
        int workers = Workers;
        var work = new List<(int Segment, int Start, int End)>();
        for (int seg = 0; seg < counts.Length; seg++)
        {
            int count = counts[seg], chunks = ChunkCount(count, grain, workers);
            for (int c = 0; c < chunks; c++)
            {
                int start = (int)((long)count * c / chunks), end = (int)((long)count * (c + 1) / chunks);
                if (start < end) work.Add((seg, start, end));
            }
        }
        if (work.Count <= 1 || workers <= 1)
        {
            foreach (var (seg, start, end) in work) body(seg, start, end);
            return;
        }
        Run(work.Count, i => body(work[i].Segment, work[i].Start, work[i].End));
    }

    /// <summary>Runs body(i) for each of count independent tasks (e.g. images, channels).</summary>
    public static void ForEach(int count, Action<int> body)
    {
        if (count <= 1 || Workers <= 1)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        Run(count, body);
    }

    /// <summary>body(0..items-1) on at most <see cref="Workers"/> threads: the spinning workers when they are free, else the thread pool.</summary>
    private static void Run(int items, Action<int> body)
    {
        if (SpinningWorkers.Shared.TryRun(items, body, helpers: Workers - 1)) return;
        Parallel.For(0, items, new ParallelOptions { MaxDegreeOfParallelism = Workers }, body);
    }
}
