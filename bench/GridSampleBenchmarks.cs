using BenchmarkDotNet.Attributes;
using KernelGan.Bench.Infrastructure;
using KernelGan.Kernels;

namespace KernelGan.Bench;

/// <summary>The spatial transformer: [32, 4, 64, 64] sampled through an affine grid (rotation + zoom + shift).</summary>
[Config(typeof(ShortRunConfig))]
public class GridSampleBenchmarks : IFlopCounted
{
    private const int N = 32, C = 4, H = 64, W = 64;
    private DeviceBuffer _theta = null!, _grid = null!, _x = null!, _y = null!, _gy = null!, _gx = null!, _ggrid = null!, _gtheta = null!;

    [GlobalSetup]
    public void Setup()
    {
        var theta = new float[N * 6];
        var r = new Random(5);
        for (int s = 0; s < N; s++)
        {
            float angle = 0.5f * (r.NextSingle() - 0.5f), scale = 0.7f + 0.4f * r.NextSingle();
            theta[s * 6 + 0] = scale * MathF.Cos(angle); theta[s * 6 + 1] = -scale * MathF.Sin(angle); theta[s * 6 + 2] = 0.3f * (r.NextSingle() - 0.5f);
            theta[s * 6 + 3] = scale * MathF.Sin(angle); theta[s * 6 + 4] = scale * MathF.Cos(angle); theta[s * 6 + 5] = 0.3f * (r.NextSingle() - 0.5f);
        }
        _theta = Buffers.Cpu.Allocate(N * 6);
        Buffers.Cpu.Upload(theta, _theta);
        _grid = Buffers.Cpu.Allocate(N * H * W * 2);
        Buffers.Cpu.AffineGrid(_theta, _grid, N, H, W, alignCorners: false);
        _x = Buffers.Random(N * C * H * W, 1);
        _gy = Buffers.Random(N * C * H * W, 2);
        _y = Buffers.Cpu.Allocate(N * C * H * W);
        _gx = Buffers.Cpu.Allocate(N * C * H * W);
        _ggrid = Buffers.Cpu.Allocate(N * H * W * 2);
        _gtheta = Buffers.Cpu.Allocate(N * 6);
    }

    [GlobalCleanup]
    public void Cleanup() => Buffers.Release(_theta, _grid, _x, _y, _gy, _gx, _ggrid, _gtheta);

    [Benchmark]
    public void AffineGrid() => Buffers.Cpu.AffineGrid(_theta, _grid, N, H, W, alignCorners: false);

    [Benchmark]
    public void Forward() => Buffers.Cpu.GridSample(_x, _grid, _y, N, C, H, W, H, W, alignCorners: false);

    [Benchmark]
    public void Backward() => Buffers.Cpu.GridSampleBackward(_x, _grid, _gy, _gx, _ggrid, N, C, H, W, H, W, alignCorners: false);

    [Benchmark]
    public void AffineGridBackward() => Buffers.Cpu.AffineGridBackward(_ggrid, _gtheta, N, H, W, alignCorners: false);

    public double FlopsOf(string benchmarkMethod) => 0;
}
