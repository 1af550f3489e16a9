using BenchmarkDotNet.Attributes;
using KernelGan.Bench.Infrastructure;
using KernelGan.Gan.Models;
using KernelGan.Kernels;

namespace KernelGan.Bench;

/// <summary>The three conv kernels on each discriminator layer of ref64 (batch 32).</summary>
[Config(typeof(ShortRunConfig))]
public class ConvBenchmarks : IFlopCounted
{
    [ParamsSource(nameof(Layers))]
    public ConvLayer Layer { get; set; } = null!;

    public static IEnumerable<ConvLayer> Layers => Ref64ConvLayers.Discriminator();

    private DeviceBuffer _x = null!, _w = null!, _bias = null!, _y = null!, _gy = null!, _gx = null!, _gw = null!, _gb = null!;

    [GlobalSetup]
    public void Setup()
    {
        var g = Layer.Geometry;
        _x = Buffers.Random(g.InputSize, 1);
        _w = Buffers.Random(g.WeightSize, 2, -0.1f, 0.1f);
        _bias = Buffers.Random(g.Cout, 3);
        _gy = Buffers.Random(g.OutputSize, 4);
        _y = Buffers.Cpu.Allocate(g.OutputSize);
        _gx = Buffers.Cpu.Allocate(g.InputSize);
        _gw = Buffers.Cpu.Allocate(g.WeightSize);
        _gb = Buffers.Cpu.Allocate(g.Cout);
    }

    [GlobalCleanup]
    public void Cleanup() => Buffers.Release(_x, _w, _bias, _y, _gy, _gx, _gw, _gb);

    [Benchmark]
    public void Forward() => Buffers.Cpu.Conv2dForward(Layer.Geometry, _x, _w, _bias, _y);

    [Benchmark]
    public void BackwardData() => Buffers.Cpu.Conv2dBackwardData(Layer.Geometry, _gy, _w, _gx);

    [Benchmark]
    public void BackwardWeight() => Buffers.Cpu.Conv2dBackwardWeight(Layer.Geometry, _x, _gy, _gw, _gb);

    public double FlopsOf(string benchmarkMethod) => Layer.Flops;
}
