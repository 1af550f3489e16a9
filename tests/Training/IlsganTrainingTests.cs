using KernelGan.Gan.Data;
using KernelGan.Gan.Models;
using KernelGan.Gan.Training;
using Xunit;

namespace KernelGan.Tests.Training;

public class IlsganTrainingTests
{
    private static IlsganConfig Tiny(IndependenceTerm independence = IndependenceTerm.Club, float r1 = 0f) => new()
    {
        Architecture = Architecture.Preset("small", 32),
        Batch = 8,
        Seed = 5,
        Independence = independence,
        R1Gamma = r1,
        R1Interval = 2,
    };

    private static Tensor RealBatch(ImageBatchLoader loader, long step) =>
        Tensor.FromArray(loader.Batch(step).Images, [8, 3, 32, 32]);

    private static float[] Parameters(IlsganTrainer t) =>
        IlsganRun.StateOf(t).SelectMany(p => p.Value.ToArray()).ToArray();

    [Theory]
    [InlineData(IndependenceTerm.Club, 0f)]
    [InlineData(IndependenceTerm.Mine, 1f)]
    public void ResumeFromCheckpointReproducesAnUninterruptedRun(IndependenceTerm independence, float r1)
    {
        var config = Tiny(independence, r1);
        var data = SyntheticDataset.ObjectCentric(32, DataSplit.Train, seed: 3);
        using var loader = new ImageBatchLoader(data, 8, 11);
        var straight = new IlsganTrainer(config, Device.Cpu);
        for (int i = 0; i < 6; i++) straight.TrainStep(RealBatch(loader, straight.Step));

        var first = new IlsganTrainer(config, Device.Cpu);
        for (int i = 0; i < 3; i++) first.TrainStep(RealBatch(loader, first.Step));
        string path = Path.Combine(Path.GetTempPath(), $"kg-resume-{Guid.NewGuid():N}.kgc");
        try
        {
            Checkpoint.Save(path, new() { ["step"] = first.Step, ["noise_offset"] = first.Noise.Offset, ["opt_g_steps"] = first.OptG.StepCount,
                ["opt_d_steps"] = first.OptD.StepCount, ["opt_mine_steps"] = first.OptMine?.StepCount ?? 0 }, IlsganRun.StateOf(first));
            var resumed = new IlsganTrainer(config, Device.Cpu);
            IlsganRun.RestoreFrom(Checkpoint.Load(path), resumed);
            for (int i = 0; i < 3; i++) resumed.TrainStep(RealBatch(loader, resumed.Step));
            Assert.Equal(straight.Step, resumed.Step);
            Assert.Equal(Parameters(straight), Parameters(resumed));
        }
        finally { File.Delete(path); }
    }
}
