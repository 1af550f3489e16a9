using BenchmarkDotNet.Running;
using KernelGan.Bench.StepProfile;

namespace KernelGan.Bench;

public static class Program
{
    /// <summary>BenchmarkDotNet's switcher (e.g. --filter '*Conv*'), or the step profiler with --profile-step.</summary>
    public static int Main(string[] args)
    {
        if (args.Contains("--profile-step")) return StepProfiler.Run(args);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
