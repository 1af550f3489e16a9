using KernelGan.Kernels;
using KernelGan.Kernels.Checks;
using KernelGan.Kernels.Ilgpu;
using Xunit;
using Xunit.Abstractions;

namespace KernelGan.Tests.Ilgpu;

/// <summary>Every IBackend member on ILGPU's CPU simulator against the CPU backend, tiny shapes.</summary>
[Collection(SimulatorCollection.Name)]
public class BackendComparisonTests(ITestOutputHelper output)
{
    public static TheoryData<string> Families => new(BackendComparison.Families);

    [Theory]
    [MemberData(nameof(Families))]
    public void SimulatorMatchesCpuBackend(string family)
    {
        var simulator = IlgpuDevices.Open(IlgpuDevices.CpuSimulator);
        var results = new BackendComparison(Device.Cpu, simulator, ComparisonScale.Tiny).Run(families: [family]);
        foreach (var r in results) output.WriteLine(r.ToString());
        Assert.NotEmpty(results);
        var failures = results.Where(r => !r.Pass).ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of {results.Count} checks failed:\n{string.Join("\n", failures)}");
    }

    [Fact]
    public void SuiteCoversEveryBackendMember()
    {
        // The whole suite against a recorder in front of the CPU backend: every member the suite
        // really calls on the candidate is seen, so a member left out (or a family that quietly
        // stopped running) shows up here. CPU against CPU, so no simulator time is spent.
        var recorder = new RecordingBackend(Device.Cpu);
        var results = new BackendComparison(Device.Cpu, recorder, ComparisonScale.Tiny).Run();
        var failures = results.Where(r => !r.Pass).ToList();
        Assert.True(failures.Count == 0, $"the CPU backend against itself failed:\n{string.Join("\n", failures)}");
        var members = typeof(IBackend).GetMethods().Where(m => !m.IsSpecialName).Select(m => m.Name)
            .Concat(typeof(IBackend).GetProperties().Select(p => p.Name))
            .Where(name => name != nameof(IDisposable.Dispose))
            .Distinct();
        var missing = members.Except(recorder.Calls.Keys).ToList();
        Assert.True(missing.Count == 0, $"never called by the comparison suite: {string.Join(", ", missing)}");
    }

    [Fact]
    public void SummaryCountsFailuresAndNamesTheTightestPass()
    {
        KernelCheck[] results =
        [
            new("Unary", "Exp", 1e-7, 1e-7, 1e-5, true),
            new("Gemm", "7x5x3", 8e-6, 8e-6, 1e-5, true),
            new("Binary", "Add", 1, 1, 1e-6, false, "worst at output 0[3]"),
        ];
        string summary = BackendComparison.Summarize(results, "cuda:0 (test)");
        Assert.StartsWith("3 checks on cuda:0 (test): 1 FAILED; closest to its limit: Gemm 7x5x3", summary);
    }

    [Fact]
    public void ComparisonDetectsAWrongKernel()
    {
        // The suite must be able to fail: a candidate whose Tanh is off by 1e-3 is caught.
        var results = new BackendComparison(Device.Cpu, new SkewedTanhBackend(), ComparisonScale.Tiny).Run(families: ["pointwise"], kernels: ["Unary"]);
        Assert.Contains(results, r => !r.Pass && r.Case.StartsWith("Tanh"));
        Assert.Contains(results, r => r.Pass && r.Case.StartsWith("Exp"));
    }
}
