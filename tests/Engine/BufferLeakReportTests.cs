using KernelGan.Kernels;
using KernelGan.Kernels.Cpu;
using Xunit;
using static KernelGan.Tests.Engine.CpuBufferTests;

namespace KernelGan.Tests.Engine;

/// <summary>
/// A tracked leak is written to standard error by the finalizer thread, whenever the collector gets
/// to it. So this test runs in the "cli" collection, alone: a report that landed while a CLI test
/// had redirected the console broke that test's "one error line" check (CI, stop 35). It also
/// waits for its own report, so nothing it tracked is left to be written after it ends.
/// </summary>
[Collection("cli")]
public class BufferLeakReportTests
{
    [Fact]
    public void WithTrackingOnALeakReportSaysWhereTheBufferWasAllocated()
    {
        bool was = BufferLeaks.Tracking;
        BufferLeaks.Tracking = true;
        try
        {
            DropUnreleased(Device.Cpu, 4321);
        }
        finally
        {
            BufferLeaks.Tracking = was;
        }
        string? report = null;
        WaitFor(() => (report = BufferLeaks.Recent.LastOrDefault(r => r.Contains("(4321 floats)"))) is not null);
        Assert.Contains("never released", report);
        Assert.Contains(nameof(DropUnreleased), report);
    }
}
