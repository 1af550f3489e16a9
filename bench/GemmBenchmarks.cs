using BenchmarkDotNet.Attributes;
using KernelGan.Bench.Infrastructure;
using KernelGan.Kernels;

namespace KernelGan.Bench;

/// <summary>A GEMM problem: op(A) [M, K] times op(B) [K, N].</summary>
public sealed record GemmShape(string Name, int M, int N, int K, bool TransA = false, bool TransB = false)
{
    public override string ToString() => Name;
}

/// <summary>
/// Single GEMMs: the classic square case and shapes from ref64's layers: 32x4096x128 (ConvT from
/// the 1x1 latent as one product), 32x1024x48 (first D layer, one image), 256x16x2048 (D4, one
/// image), 256x512x2048 (D4 batched over 32 images), 2048x16x256 tA (G2 data gradient, one image),
/// 128x1024x2048 tB (D3 weight gradient).
/// </summary>
[Config(typeof(ShortRunConfig))]
public class GemmBenchmarks : IFlopCounted
{
    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = null!;

    public static IEnumerable<GemmShape> Shapes =>
    [
        new("1024^3", 1024, 1024, 1024),
        new("32x4096x128", 32, 4096, 128),
        new("32x1024x48", 32, 1024, 48),
        new("256x16x2048", 256, 16, 2048),
        new("256x512x2048", 256, 512, 2048),
        new("2048x16x256 tA", 2048, 16, 256, TransA: true),
        new("128x1024x2048 tB", 128, 1024, 2048, TransB: true),
    ];

    private DeviceBuffer _a = null!, _b = null!, _c = null!;

    [GlobalSetup]
    public void Setup()
    {
        _a = Buffers.Random(Shape.M * Shape.K, 1);
        _b = Buffers.Random(Shape.K * Shape.N, 2);
        _c = Buffers.Cpu.Allocate(Shape.M * Shape.N);
    }

    [GlobalCleanup]
    public void Cleanup() => Buffers.Release(_a, _b, _c);

    [Benchmark]
    public void Gemm()
    {
        var s = Shape;
        Buffers.Cpu.Gemm(s.TransA, s.TransB, s.M, s.N, s.K, 1f, _a, 0, s.TransA ? s.M : s.K, 0,
                         _b, 0, s.TransB ? s.K : s.N, 0, 0f, _c, 0, s.N, 0);
    }

    public double FlopsOf(string benchmarkMethod) => 2.0 * Shape.M * Shape.N * Shape.K;
}
