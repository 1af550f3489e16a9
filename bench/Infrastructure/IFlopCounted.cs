namespace KernelGan.Bench.Infrastructure;

/// <summary>
/// A benchmark class that knows how many floating-point operations one invocation of each of its
/// methods performs with the current parameter values, so <see cref="GflopsColumn"/> can turn
/// BenchmarkDotNet's mean time into GFLOP/s. Return 0 where a rate makes no sense.
/// </summary>
public interface IFlopCounted
{
    double FlopsOf(string benchmarkMethod);
}
