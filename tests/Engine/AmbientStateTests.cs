using Xunit;

namespace KernelGan.Tests.Engine;

/// <summary>
/// The one rule for ambient tensor state (see TensorScope.cs): the current scope and no-grad
/// belong to the thread that set them. Work on other threads, whether a thread of its own or a
/// task, starts with neither, and what it makes is not freed by a scope it never entered.
/// </summary>
public class AmbientStateTests
{
    /// <summary>Runs <paramref name="work"/> on a thread of its own (never inlined on the caller's).</summary>
    private static T OnAnotherThread<T>(Func<T> work)
    {
        int caller = Environment.CurrentManagedThreadId;
        return Task.Factory.StartNew(() =>
        {
            Assert.NotEqual(caller, Environment.CurrentManagedThreadId);
            return work();
        }, TaskCreationOptions.LongRunning).Result;
    }

    [Fact]
    public void ATaskStartedInsideAScopeAndNoGradSeesNeither()
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
    public void AScopeOnAnotherThreadDoesNotTakeThisThreadsTensors()
    {
        using var ready = new ManualResetEventSlim();
        using var done = new ManualResetEventSlim();
        var other = Task.Factory.StartNew(() =>
        {
            using (new TensorScope())
            {
                ready.Set();
                done.Wait();
            }
        }, TaskCreationOptions.LongRunning);
        ready.Wait();
        var mine = Tensor.Zeros([2], Device.Cpu);
        done.Set();
        other.Wait();
        Assert.False(mine.IsDisposed);
        mine.Dispose();
    }
}
