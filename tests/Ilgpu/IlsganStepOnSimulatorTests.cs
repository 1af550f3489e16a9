using KernelGan.Gan.Ilsgan;
using KernelGan.Gan.Models;
using KernelGan.Gan.Training;
using KernelGan.Kernels;
using Xunit;
using Xunit.Abstractions;

namespace KernelGan.Tests.Ilgpu;

/// <summary>
/// Two ILSGAN training steps (layered generator, discriminator, shifts, compositing, CLUB leakage,
/// Adam, EMA) at a small size on ILGPU's simulator and on the CPU backend, from the same seed:
/// every fused layered-GAN kernel in its real context.
/// </summary>
[Collection(SimulatorCollection.Name)]
public class IlsganStepOnSimulatorTests(ITestOutputHelper output)
{
    [Fact]
    public void TwoTrainingStepsReportTheSameStatistics()
    {
        var cpu = Run(Device.Cpu);
        var simulator = Run(Device.Open("ilgpu-cpu"));
        for (int step = 0; step < cpu.Count; step++)
        {
            output.WriteLine($"cpu       {cpu[step].ToCsv()}");
            output.WriteLine($"ilgpu-cpu {simulator[step].ToCsv()}");
            float[] expected = Values(cpu[step]), actual = Values(simulator[step]);
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4f * (1 + Math.Abs(expected[i])),
                    $"step {step}, {cpu[step].Columns.Values[i]}: cpu {expected[i]:G9}, simulator {actual[i]:G9}");
        }
    }

    private static float[] Values(GanStepStats s) => [.. s.Columns.Values.Select(c => s[c])];

    private static List<GanStepStats> Run(IBackend backend)
    {
        var config = new IlsganConfig { Architecture = Architecture.Preset("small", 32), Batch = 2, Seed = 5 };
        var trainer = new IlsganTrainer(config, backend);
        using var real = new Rng(6).Uniform([2, 3, 32, 32], -1f, 1f, backend);
        return [trainer.TrainStep(real), trainer.TrainStep(real)];
    }
}
