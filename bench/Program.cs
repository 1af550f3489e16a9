using BenchmarkDotNet.Running;

namespace KernelGan.Bench;

public static class Program
{
    /// <summary>BenchmarkDotNet's switcher (e.g. --filter '*Conv*'), or the step profiler with --profile-step.</summary>
    public static int Main(string[] args)
    {
#if !BASELINE_KERNELS
        if (args.Contains("--profile-step")) return StepProfile.StepProfiler.Run(args);
#endif
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
