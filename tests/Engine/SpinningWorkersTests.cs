using KernelGan.Kernels.Cpu;
using Xunit;

namespace KernelGan.Tests.Engine;

/// <summary>The CPU backend's worker threads: every item once, errors as thrown, and no mixing of jobs.</summary>
public class SpinningWorkersTests
{
    [Fact]
    public void EveryItemRunsExactlyOnceAcrossManyJobs()
    {
        for (int job = 0; job < 200; job++)
        {
            int count = 1 + job % 17;
            var runs = new int[count];
            RunOrFallBack(count, i => Interlocked.Increment(ref runs[i]));
            Assert.All(runs, r => Assert.Equal(1, r));
        }
    }

    [Fact]
    public void AnItemsExceptionReachesTheCallerAsThrownAndTheWorkersStayUsable()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            RunOrFallBack(8, i => { if (i == 5) throw new InvalidOperationException("item 5"); }));
        Assert.Equal("item 5", error.Message);
        int sum = 0;
        RunOrFallBack(8, i => Interlocked.Add(ref sum, i));
        Assert.Equal(28, sum);
    }

    [Fact]
    public void ANestedCallIsRefusedSoTheCallerRunsItAnotherWay()
    {
        var nestedAccepted = new bool[4];
        bool outerRan = SpinningWorkers.Shared.TryRun(4, i => nestedAccepted[i] = SpinningWorkers.Shared.TryRun(1, _ => { }));
        if (!outerRan) return; // another test's job held the workers; the nested case is what this checks
        Assert.All(nestedAccepted, Assert.False);
    }

    [Fact]
    public void AJobTakesNoMoreHelpersThanItAsksFor()
    {
        // CpuParallel.Workers = 1 asks for no helpers: the workers refuse, and the caller runs alone.
        Assert.False(SpinningWorkers.Shared.TryRun(4, _ => { }, helpers: 0));
        var threads = new System.Collections.Concurrent.ConcurrentDictionary<int, bool>();
        RunOnTheWorkers(64, _ => { threads[Environment.CurrentManagedThreadId] = true; Thread.SpinWait(2000); }, helpers: 1);
        Assert.InRange(threads.Count, 1, 2); // the caller and at most one worker
    }

    [Fact]
    public void AFinishedJobNoLongerKeepsWhatItsBodyCaptured()
    {
        // The finished job stays published until the next one; its closure (a kernel's buffers) must not.
        var captured = RunHoldingAnObject();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(captured.IsAlive, "the finished job still references its body's closure");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference RunHoldingAnObject()
    {
        var payload = new float[1024];
        RunOnTheWorkers(8, i => payload[i] = i);
        return new WeakReference(payload);
    }

    /// <summary>Runs the job on the workers, retrying while another test's job holds them (TryRun then runs nothing).</summary>
    private static void RunOnTheWorkers(int count, Action<int> body, int helpers = int.MaxValue)
    {
        bool ran = false;
        for (int attempt = 0; attempt < 200 && !ran; attempt++)
        {
            ran = SpinningWorkers.Shared.TryRun(count, body, helpers);
            if (!ran) Thread.Sleep(5);
        }
        Assert.True(ran, "the workers stayed busy for a second");
    }

    [Fact]
    public void CpuParallelFromSeveralThreadsAtOnceGivesEveryCallerItsOwnResult()
    {
        // Callers that find the workers busy fall back to the thread pool; each must still see all of its own items.
        var sums = new long[6];
        Parallel.For(0, sums.Length, t =>
        {
            for (int rep = 0; rep < 50; rep++)
            {
                long local = 0;
                CpuParallel.For(1000, 10, (s, e) => { long part = 0; for (int i = s; i < e; i++) part += i + t; Interlocked.Add(ref local, part); });
                sums[t] += local;
            }
        });
        for (int t = 0; t < sums.Length; t++) Assert.Equal(50L * (999 * 1000 / 2 + 1000L * t), sums[t]);
    }

    /// <summary>The workers when free (the point of the test), else inline: xUnit runs other tests' kernels meanwhile.</summary>
    private static void RunOrFallBack(int count, Action<int> body)
    {
        if (SpinningWorkers.Shared.TryRun(count, body)) return;
        for (int i = 0; i < count; i++) body(i);
    }
}
