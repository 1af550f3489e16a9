using Xunit;

namespace KernelGan.Tests.Engine;

/// <summary>
/// The one rule for ambient tensor state (see TensorScope.cs): the current scope and no-grad
/// belong to the thread that set them. Work on other threads (a thread of its own, a task's
/// worker) starts with neither, and what it makes is not freed by a scope it never entered.
/// </summary>
public class AmbientStateTests
{
    /// <summary>Runs <paramref name="work"/> on a thread of its own and waits for it (a test must not block on a task; a thread it may join).</summary>
    private static T OnAnotherThread<T>(Func<T> work)
    {
        T result = default!;
        var thread = new Thread(() => result = work());
        thread.Start();
        thread.Join();
        return result;
    }

    [Fact]
    public void AnotherThreadStartedInsideAScopeAndNoGradSeesNeither()
    {
        Tensor madeElsewhere, madeHere;
        bool gradEnabledElsewhere;
        using (new TensorScope())
        using (Tensor.NoGrad())
        {
            Assert.False(Tensor.GradEnabled);
            madeHere = Tensor.Zeros([2], Device.Cpu);
            (madeElsewhere, gradEnabledElsewhere) = OnAnotherThread(() => (Tensor.Zeros([2], Device.Cpu), Tensor.GradEnabled));
        }
        Assert.True(gradEnabledElsewhere);
        Assert.True(madeHere.IsDisposed);
        Assert.False(madeElsewhere.IsDisposed);
        madeElsewhere.Dispose();
        Assert.True(Tensor.GradEnabled);
    }

    [Fact]
    public async Task ATaskStartedInsideAScopeAndNoGradSeesNeither()
    {
        Task<(Tensor Made, bool GradEnabled)> task;
        Tensor madeHere;
        using (new TensorScope())
        using (Tensor.NoGrad())
        {
            madeHere = Tensor.Zeros([2], Device.Cpu);
            task = Task.Run(() => (Tensor.Zeros([2], Device.Cpu), Tensor.GradEnabled));
            // Wait without blocking on the task (which could run it inline, on this thread).
            SpinWait.SpinUntil(() => task.IsCompleted);
        }
        var (madeByTask, gradEnabledInTask) = await task;
        Assert.True(gradEnabledInTask);
        Assert.True(madeHere.IsDisposed);
        Assert.False(madeByTask.IsDisposed);
        madeByTask.Dispose();
    }

    [Fact]
    public void AScopeOnAnotherThreadDoesNotTakeThisThreadsTensors()
    {
        using var ready = new ManualResetEventSlim();
        using var done = new ManualResetEventSlim();
        var other = new Thread(() =>
        {
            using (new TensorScope())
            {
                ready.Set();
                done.Wait();
            }
        });
        other.Start();
        ready.Wait();
        var mine = Tensor.Zeros([2], Device.Cpu);
        done.Set();
        other.Join();
        Assert.False(mine.IsDisposed);
        mine.Dispose();
    }
}
