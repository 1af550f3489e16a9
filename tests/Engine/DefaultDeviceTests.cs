using KernelGan.Cli.Profiling;
using KernelGan.Kernels;
using Xunit;

namespace KernelGan.Tests.Engine;

/// <summary>The default device is chosen per flow of execution: what one flow sets, a concurrent one doesn't see.</summary>
public class DefaultDeviceTests
{
    [Fact]
    public void ASettingInOneFlowDoesNotLeakIntoAConcurrentOne()
    {
        var other = new ProfilingBackend(Device.Cpu);
        using var set = new ManualResetEventSlim();
        using var read = new ManualResetEventSlim();
        IBackend? seenElsewhere = null, seenBySetter = null;
        var setter = Task.Run(() =>
        {
            Device.Default = other;
            set.Set();
            read.Wait();
            seenBySetter = Device.Default;
        });
        var reader = Task.Run(() =>
        {
            set.Wait();
            seenElsewhere = Device.Default;
            read.Set();
        });
        Task.WaitAll(setter, reader);
        Assert.Same(other, seenBySetter);
        Assert.Same(Device.Cpu, seenElsewhere);
    }

    [Fact]
    public void TheSettingFlowsIntoTheWorkItStarts()
    {
        var other = new ProfilingBackend(Device.Cpu);
        IBackend? seenInside = null;
        var seenInParallel = new IBackend[4];
        Task.Run(() =>
        {
            Device.Default = other;
            seenInside = Task.Run(() => Device.Default).Result;
            Parallel.For(0, 4, i => seenInParallel[i] = Device.Default);
        }).Wait();
        Assert.Same(other, seenInside);
        Assert.All(seenInParallel, b => Assert.Same(other, b));
        Assert.Same(Device.Cpu, Device.Default);
    }
}
