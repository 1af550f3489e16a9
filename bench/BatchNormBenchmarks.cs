using BenchmarkDotNet.Attributes;
using KernelGan.Bench.Infrastructure;
using KernelGan.Kernels;

namespace KernelGan.Bench;

/// <summary>Training-mode batch norm on the generator's activations of ref64 (batch 32).</summary>
[Config(typeof(ShortRunConfig))]
public class BatchNormBenchmarks : IFlopCounted
{
    /// <summary>Channels x spatial size of one generator BN layer.</summary>
    public sealed record BnShape(int Channels, int Size)
    {
        public override string ToString() => $"[32,{Channels},{Size},{Size}]";
    }

    [ParamsSource(nameof(Shapes))]
    public BnShape Shape { get; set; } = null!;

    public static IEnumerable<BnShape> Shapes => [new(256, 4), new(128, 8), new(64, 16), new(32, 32)];

    private const int N = 32;
    private DeviceBuffer _x = null!, _gamma = null!, _beta = null!, _y = null!, _mean = null!, _invStd = null!;
    private DeviceBuffer _runMean = null!, _runVar = null!, _gy = null!, _gx = null!, _ggamma = null!, _gbeta = null!;

    private int C => Shape.Channels;
    private int HW => Shape.Size * Shape.Size;

    [GlobalSetup]
    public void Setup()
    {
        _x = Buffers.Random(N * C * HW, 1);
        _gy = Buffers.Random(N * C * HW, 2);
        _gamma = Buffers.Random(C, 3, 0.5f, 1.5f);
        _beta = Buffers.Random(C, 4);
        _runMean = Buffers.Constant(C, 0f);
        _runVar = Buffers.Constant(C, 1f);
        _y = Buffers.Cpu.Allocate(N * C * HW);
        _gx = Buffers.Cpu.Allocate(N * C * HW);
        _mean = Buffers.Cpu.Allocate(C);
        _invStd = Buffers.Cpu.Allocate(C);
        _ggamma = Buffers.Cpu.Allocate(C);
        _gbeta = Buffers.Cpu.Allocate(C);
        Forward();
    }

    [GlobalCleanup]
    public void Cleanup() => Buffers.Release(_x, _gamma, _beta, _y, _mean, _invStd, _runMean, _runVar, _gy, _gx, _ggamma, _gbeta);

    [Benchmark]
    public void Forward() =>
        Buffers.Cpu.BatchNormForwardTrain(_x, _gamma, _beta, _y, _mean, _invStd, _runMean, _runVar, N, C, HW, 1e-5f, 0.1f);

    [Benchmark]
    public void Backward() =>
        Buffers.Cpu.BatchNormBackward(_x, _gy, _gamma, _mean, _invStd, _gx, _ggamma, _gbeta, N, C, HW);

    public double FlopsOf(string benchmarkMethod) => 0;
}
