using BenchmarkDotNet.Attributes;
using KernelGan.Bench.Infrastructure;
using KernelGan.Kernels;

namespace KernelGan.Bench;

/// <summary>Alpha compositing y = m*fg + (1-m)*bg at ref64's size: fg, bg [32, 3, 64, 64], m [32, 1, 64, 64].</summary>
[Config(typeof(ShortRunConfig))]
public class CompositeBenchmarks : IFlopCounted
{
    private const int N = 32, C = 3, HW = 64 * 64;
    private DeviceBuffer _m = null!, _fg = null!, _bg = null!, _y = null!, _gy = null!, _gm = null!, _gfg = null!, _gbg = null!;

    [GlobalSetup]
    public void Setup()
    {
        _m = Buffers.Random(N * HW, 1, 0f, 1f);
        _fg = Buffers.Random(N * C * HW, 2);
        _bg = Buffers.Random(N * C * HW, 3);
        _gy = Buffers.Random(N * C * HW, 4);
        _y = Buffers.Cpu.Allocate(N * C * HW);
        _gm = Buffers.Cpu.Allocate(N * HW);
        _gfg = Buffers.Cpu.Allocate(N * C * HW);
        _gbg = Buffers.Cpu.Allocate(N * C * HW);
    }

    [GlobalCleanup]
    public void Cleanup() => Buffers.Release(_m, _fg, _bg, _y, _gy, _gm, _gfg, _gbg);

    [Benchmark]
    public void Forward() => Buffers.Cpu.Composite(_m, _fg, _bg, _y, N, C, HW);

    [Benchmark]
    public void Backward() => Buffers.Cpu.CompositeBackward(_m, _fg, _bg, _gy, _gm, _gfg, _gbg, N, C, HW);

    public double FlopsOf(string benchmarkMethod) => 0;
}
