using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace KernelGan.Kernels.Cpu;

/// <summary>
/// The CPU backend's own worker threads, one per core besides the caller's. A training step is a
/// chain of short kernels (0.05-1 ms each, most split over the cores), and between two of them
/// .NET's thread-pool workers go to sleep: waking one took 50-100 us on this project's 2-core VMs,
/// as long as its share of a kernel (Parallel.For of 2 x 80 us items: 174-184 us against 82 us
/// here; scratch harness, 2026-11-30). So these workers spin for <see cref="SpinMicroseconds"/>
/// after each job, as OpenMP's and OpenBLAS's threads do, and the next kernel finds them awake;
/// then they sleep, so an idle process costs nothing. The caller always works on its own job
/// too, so a late worker never makes a job slower than running it alone.
/// </summary>
internal sealed class SpinningWorkers
{
    /// <summary>
    /// How long a worker waits for the next job before it blocks: 200 us covers most gaps between
    /// a step's kernels. In the main job's loop (AVX2 path, 3000 steps, three rounds in turns) 200
    /// and 1000 us ran at 37.9-42.8 and 35.3-42.6 steps/s, the thread pool at 30.2-36.0. The
    /// environment variable KERNELGAN_SPIN_US overrides it (0: sleep at once, for a shared machine).
    /// </summary>
    public static readonly double SpinMicroseconds =
        double.TryParse(Environment.GetEnvironmentVariable("KERNELGAN_SPIN_US"), System.Globalization.CultureInfo.InvariantCulture, out var us) && us >= 0 ? us : 200;

    private static readonly Lazy<SpinningWorkers> LazyShared = new(() => new SpinningWorkers(Environment.ProcessorCount - 1));

    /// <summary>The process's workers, started on first use.</summary>
    public static SpinningWorkers Shared => LazyShared.Value;

    private readonly long _spinTicks = (long)(SpinMicroseconds * Stopwatch.Frequency / 1e6);
    private readonly SemaphoreSlim _wake = new(0);
    private Job? _current;
    private int _busy, _sleepers;

    private SpinningWorkers(int threads)
    {
        Threads = Math.Max(0, threads);
        for (int i = 0; i < Threads; i++)
        {
            int index = i;
            new Thread(() => Loop(index)) { IsBackground = true, Name = $"kernelgan-cpu-{i + 1}" }.Start();
        }
    }

    public int Threads { get; }

    /// <summary>
    /// Runs body(0..count-1) on the caller and the workers, items handed out in order as threads
    /// come free, and returns when all are done (the first exception is rethrown as it was). False,
    /// having run nothing, when the workers are taken: a job from another thread, or a nested call
    /// from inside a job; the caller then runs the items some other way. At most
    /// <paramref name="helpers"/> workers join the caller (<see cref="CpuParallel.Workers"/> less one).
    /// </summary>
    public bool TryRun(int count, Action<int> body, int helpers = int.MaxValue)
    {
        if (Threads == 0 || helpers < 1 || Interlocked.CompareExchange(ref _busy, 1, 0) != 0) return false;
        var job = new Job(body, count, helpers);
        try
        {
            // A full fence between publishing the job and reading the sleepers, matching the workers'
            // count-then-look: either a worker sees the job or we see it asleep and wake it.
            Interlocked.Exchange(ref _current, job);
            int sleepers = Volatile.Read(ref _sleepers);
            if (sleepers > 0) _wake.Release(sleepers);
            job.Work();
            while (Volatile.Read(ref job.Pending) > 0) Thread.SpinWait(8);
            job.Forget();
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
        job.Error?.Throw();
        return true;
    }

    /// <param name="index">This worker's place (0-based): it joins only jobs that want that many helpers.</param>
    private void Loop(int index)
    {
        Job? seen = null;
        while (true)
        {
            long start = Stopwatch.GetTimestamp();
            Job? job;
            while ((job = Volatile.Read(ref _current)) == seen)
            {
                if (Stopwatch.GetTimestamp() - start < _spinTicks)
                {
                    Thread.SpinWait(16);
                    continue;
                }
                // Count ourselves asleep before the last look, so a job published after it wakes us.
                Interlocked.Increment(ref _sleepers);
                if (Volatile.Read(ref _current) == seen) _wake.Wait();
                Interlocked.Decrement(ref _sleepers);
                start = Stopwatch.GetTimestamp();
            }
            seen = job;
            if (index < job!.Helpers) job.Work();
        }
    }

    /// <summary>One dispatch. A worker that reads a finished job finds no item left, so jobs never mix.</summary>
    private sealed class Job
    {
        private Action<int>? _body;
        private readonly int _count;
        private int _next;
        public int Pending;
        public ExceptionDispatchInfo? Error;
        public readonly int Helpers;

        public Job(Action<int> body, int count, int helpers)
        {
            _body = body;
            _count = count;
            Pending = count;
            Helpers = helpers;
        }

        /// <summary>
        /// Drops the body once every item is done: the job stays published (workers tell jobs apart
        /// by identity) until the next one, and its closure would keep the kernel's buffers alive.
        /// A late worker finds no item left and never calls it.
        /// </summary>
        public void Forget() => _body = null;

        public void Work()
        {
            int i;
            while ((i = Interlocked.Increment(ref _next) - 1) < _count)
            {
                try { _body!(i); }
                catch (Exception e) { Interlocked.CompareExchange(ref Error, ExceptionDispatchInfo.Capture(e), null); }
                finally { Interlocked.Decrement(ref Pending); }
            }
        }
    }
}
