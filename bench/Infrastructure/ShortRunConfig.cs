using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Perfolizer.Horology;

namespace KernelGan.Bench.Infrastructure;

/// <summary>
/// Few, short iterations so the whole suite runs in minutes: the kernels are deterministic,
/// allocation-free and long enough (0.1-50 ms) that a handful of 250 ms iterations is stable.
/// </summary>
public sealed class ShortRunConfig : ManualConfig
{
    public ShortRunConfig()
    {
        AddJob(Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(5)
            .WithIterationTime(TimeInterval.FromMilliseconds(250))
            .WithId("short"));
        AddColumn(StatisticColumn.Median, StatisticColumn.Min, new GflopsColumn());
        WithOrderer(new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared));
    }
}
