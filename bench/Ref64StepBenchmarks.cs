using BenchmarkDotNet.Attributes;
using KernelGan.Bench.Infrastructure;
using KernelGan.Gan.Ilsgan;
using KernelGan.Gan.Models;
using KernelGan.Gan.Training;

namespace KernelGan.Bench;

/// <summary>
/// One full ILSGAN train step of DESIGN.md's ref64 model at batch 32 (D step, G step with the CLUB
/// term at sigma 1, EMA), on the CPU backend: the same step `kernelgan bench step --config ref64`
/// times, under BenchmarkDotNet's statistics.
/// </summary>
[Config(typeof(ShortRunConfig))]
public class Ref64StepBenchmarks
{
    private const int Batch = 32;
    private IlsganTrainer _trainer = null!;
    private Tensor _real = null!;

    [GlobalSetup]
    public void Setup()
    {
        var arch = Architecture.Preset("ref64", 64);
        _trainer = new IlsganTrainer(new IlsganConfig { Architecture = arch, Batch = Batch, SigmaEarly = 1f, SigmaLate = 1f }, Device.Cpu);
        _real = new Rng(99).Uniform([Batch, 3, arch.ImageSize, arch.ImageSize], -1f, 1f, Device.Cpu);
    }

    [GlobalCleanup]
    public void Cleanup() => _real.Dispose();

    [Benchmark]
    public GanStepStats TrainStep() => _trainer.TrainStep(_real);
}
