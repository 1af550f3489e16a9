using BenchmarkDotNet.Attributes;
using KernelGan.Bench.Infrastructure;
using KernelGan.Gan.Models;
using KernelGan.Kernels;

namespace KernelGan.Bench;

/// <summary>
/// Transposed conv on each generator layer of ref64 (batch 32), through the kernels
/// Ops.ConvTranspose2d uses: forward = conv data gradient; backward = conv forward (input
/// gradient) and conv weight gradient with the roles of input and output swapped.
/// </summary>
[Config(typeof(ShortRunConfig))]
public class ConvTransposeBenchmarks : IFlopCounted
{
    [ParamsSource(nameof(Layers))]
    public ConvLayer Layer { get; set; } = null!;

    public static IEnumerable<ConvLayer> Layers => Ref64ConvLayers.Generator();

    // Named from the transposed conv's point of view: x is its input, y its output.
    private DeviceBuffer _x = null!, _w = null!, _y = null!, _gy = null!, _gx = null!, _gw = null!;

    [GlobalSetup]
    public void Setup()
    {
        var g = Layer.Geometry;
        _x = Buffers.Random(g.OutputSize, 1);
        _w = Buffers.Random(g.WeightSize, 2, -0.1f, 0.1f);
        _gy = Buffers.Random(g.InputSize, 4);
        _y = Buffers.Cpu.Allocate(g.InputSize);
        _gx = Buffers.Cpu.Allocate(g.OutputSize);
        _gw = Buffers.Cpu.Allocate(g.WeightSize);
    }

    [GlobalCleanup]
    public void Cleanup() => Buffers.Release(_x, _w, _y, _gy, _gx, _gw);

    [Benchmark]
    public void Forward() => Buffers.Cpu.Conv2dBackwardData(Layer.Geometry, _x, _w, _y);

    [Benchmark]
    public void BackwardData() => Buffers.Cpu.Conv2dForward(Layer.Geometry, _gy, _w, null, _gx);

    [Benchmark]
    public void BackwardWeight() => Buffers.Cpu.Conv2dBackwardWeight(Layer.Geometry, _gy, _x, _gw, null);

    public double FlopsOf(string benchmarkMethod) => Layer.Flops;
}
