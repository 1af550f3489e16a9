using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Perfolizer.Horology;

namespace KernelGan.Bench.Infrastructure;

/// <summary>
/// Few, short iterations so the whole suite runs in minutes: the kernels are deterministic,
/// allocation-free and long enough (0.1-50 ms) that seven 200 ms iterations suffice on a quiet machine.
/// By default there is one job per CPU vector path (the machine's widest, then AVX2 via
/// DOTNET_EnableAVX512=0, then 128-bit via DOTNET_EnableAVX2=0; see SimdPath), the widest being the
/// ratio baseline, so one run shows the paths side by side; KERNELGAN_BENCH_PATHS=native keeps only
/// the first. When the environment variable KERNELGAN_BASELINE names another checkout (e.g. a `git
/// archive` of an older commit), a "before" job builds against its kernels and is the ratio baseline
/// (machine's own path only).
/// </summary>
public sealed class ShortRunConfig : ManualConfig
{
    public ShortRunConfig()
    {
        var job = Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(7)
            .WithIterationTime(TimeInterval.FromMilliseconds(200));
        string? baseline = Environment.GetEnvironmentVariable("KERNELGAN_BASELINE");
        if (!string.IsNullOrEmpty(baseline))
        {
            AddJob(job.WithArguments([new MsBuildArgument($"/p:KernelGanBaseline={Path.GetFullPath(baseline)}")])
                      .WithId("before").AsBaseline());
            AddJob(job.WithId("after"));
        }
        else
        {
            AddJob(job.WithId("native").AsBaseline());
            if (Environment.GetEnvironmentVariable("KERNELGAN_BENCH_PATHS") != "native")
            {
                // Only the narrower paths the machine can be switched down to: on ARM64 its own
                // path is already the 128-bit one (NEON), and these x64 switches do nothing there.
                if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
                    AddJob(job.WithEnvironmentVariables(new EnvironmentVariable("DOTNET_EnableAVX512", "0")).WithId("avx2"));
                if (System.Runtime.Intrinsics.X86.Avx2.IsSupported)
                    AddJob(job.WithEnvironmentVariables(new EnvironmentVariable("DOTNET_EnableAVX2", "0")).WithId("128-bit"));
            }
        }
        AddColumn(StatisticColumn.Median, StatisticColumn.Min, new MinRatioColumn(), new GflopsColumn());
        WithOrderer(new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared));
    }
}
