using KernelGan.Gan.Data;
using KernelGan.Gan.Ilsgan;
using KernelGan.Gan.Models;
using KernelGan.Gan.Training;
using Xunit;

namespace KernelGan.Tests.Training;

/// <summary>The options that select the official ILSGAN code's settings (docs/ilsgan-official.md), each checked where it acts.</summary>
public class OfficialOptionsTests
{
    private static IlsganConfig Tiny() => new() { Architecture = Architecture.Preset("small", 32), Batch = 8, Seed = 5 };

    private static Tensor RealBatch(ImageBatchLoader loader, long step) => Tensor.FromArray(loader.Batch(step).Images, [8, 3, 32, 32]);

    private static float[] Parameters(IlsganTrainer t) => t.StateTensors().SelectMany(p => p.Value.ToArray()).ToArray();

    [Fact]
    public void ASharedLatentGivesBothBranchesTheSameZ()
    {
        var trainer = new IlsganTrainer(Tiny() with { SharedLatent = true }, Device.Cpu);
        Assert.True(trainer.GeneratorEma.SharedLatent); // samples, generate and the segmenter's pairs use the EMA generator
        var (zf, zb) = trainer.Generator.SampleLatents(new Rng(2), 4);
        Assert.Equal(zf.ToArray(), zb.ToArray());

        var (f, b) = new IlsganTrainer(Tiny(), Device.Cpu).Generator.SampleLatents(new Rng(2), 4);
        Assert.NotEqual(f.ToArray(), b.ToArray());
        Assert.Equal(zf.ToArray(), f.ToArray()); // the fg draw is the same either way
    }

    [Fact]
    public void OfficialR1GammaFollowsTheFormula()
    {
        Assert.Equal(0.0256f, R1Regularizer.OfficialGamma(64, 32), 1e-7f);
        Assert.Equal(0.0002f * 32 * 32 / 8, R1Regularizer.OfficialGamma(32, 8), 1e-7f);
    }

    [Fact]
    public void ShiftedLossesReadTheShiftedMask()
    {
        var mask = Tensor.FromArray([0.3f, 0.6f], 1, 1, 1, 2);
        var shifted = Tensor.FromArray([0f, 0.3f], 1, 1, 1, 2);
        Assert.Same(shifted, IlsganTrainer.PriorMask(Tiny() with { LossesOnShiftedMask = true }, mask, shifted));
        Assert.Same(mask, IlsganTrainer.PriorMask(Tiny(), mask, shifted));

        // In a step: same generator, same noise, so the same (unshifted) mask; the shifted one has
        // lost its edge to the zero fill, so its binarization term is smaller.
        var data = SyntheticDataset.ObjectCentric(32, DataSplit.Train, seed: 3);
        using var loader = new ImageBatchLoader(data, 8, 11);
        var ours = new IlsganTrainer(Tiny(), Device.Cpu).TrainStep(RealBatch(loader, 0));
        var official = new IlsganTrainer(Tiny() with { LossesOnShiftedMask = true }, Device.Cpu).TrainStep(RealBatch(loader, 0));
        Assert.Equal(ours.MaskMean, official.MaskMean);
        Assert.True(official.Binarization < ours.Binarization, $"shifted {official.Binarization} vs unshifted {ours.Binarization}");
    }

    [Fact]
    public void SigmaSwitchesAtTheFractionOfTheTimeBudgetUnderAFakeClock()
    {
        var trainer = new IlsganTrainer(Tiny() with { SigmaSwitchStep = 1000 }, Device.Cpu);
        var timed = new TimedSigmaSwitch(0.3, TimeSpan.FromSeconds(10));
        var sigmas = new List<float>();
        var switchedNow = new List<bool>();
        for (long step = 0; step < 6; step++)
        {
            trainer.Step = step;
            switchedNow.Add(timed.Apply(trainer, TimeSpan.FromSeconds(step))); // the fake clock: one second per step
            sigmas.Add(trainer.Sigma);
        }
        Assert.Equal([0.2f, 0.2f, 0.2f, 1f, 1f, 1f], sigmas);
        Assert.Equal([false, false, false, true, false, false], switchedNow);
        Assert.Equal(3, trainer.SigmaSwitchedAt);

        // The switch step is saved, so a resume after the switch keeps the late sigma.
        string path = Path.Combine(Path.GetTempPath(), $"kg-sigma-{Guid.NewGuid():N}.kgc");
        try
        {
            TrainerCheckpoint.Save(path, IlsganRun.CheckpointKind, trainer, new System.Text.Json.Nodes.JsonObject());
            var resumed = new IlsganTrainer(Tiny() with { SigmaSwitchStep = 1000 }, Device.Cpu);
            IlsganRun.RestoreFrom(Checkpoint.Load(path), resumed);
            Assert.Equal(3, resumed.SigmaSwitchedAt);
            Assert.Equal(1f, resumed.Sigma);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void ATimeBoundedRunSwitchesThroughTheTrainingLoop()
    {
        var dir = new RunDirectory(Directory.CreateTempSubdirectory("kg-timed-sigma-").FullName);
        try
        {
            dir.Create();
            // Fraction 0: due at once, so the first step already has the late sigma although
            // the step schedule (half of 1000 steps) would switch far later.
            var gan = Tiny() with { SigmaSwitchStep = 500, SigmaSwitchTimeFraction = 0 };
            var config = new RunConfig<IlsganConfig> { Data = "test", Gan = gan, Steps = 2, Minutes = 5, SampleEvery = 100, CheckpointEvery = 100 };
            var log = new StringWriter();
            var run = new IlsganRun(config, dir, Device.Cpu, log);
            using var stop = new StopSignal();
            run.Train(SyntheticDataset.ObjectCentric(32, DataSplit.Train, seed: 3), stop);
            Assert.Equal(0, run.Trainer.SigmaSwitchedAt);
            Assert.Single(log.ToString().Split('\n'), line => line.StartsWith("sigma 0.2 until step 500 or 0:00 into the GAN phase, whichever comes first, then 1"));
            Assert.Single(log.ToString().Split('\n'), line => line.StartsWith("sigma 0.2 -> 1 at step 0: 0:00 into the GAN phase, 0% of its time budget"));

            var byStepsOnly = new IlsganRun(config with { Gan = gan with { SigmaSwitchTimeFraction = null } }, new RunDirectory(dir.Root + "-b"), Device.Cpu, TextWriter.Null);
            Assert.Null(byStepsOnly.Trainer.SigmaSwitchedAt);
        }
        finally { Directory.Delete(dir.Root, recursive: true); }
    }

    [Fact]
    public void ResumeWithAugmentationReproducesAnUninterruptedRun()
    {
        // Target -1 and a large step: p rises by 0.3 every 4 steps, so steps 4-9 are augmented,
        // and the checkpoint at step 6 falls mid-interval (the sign counts must be saved too).
        var config = Tiny() with { Augment = DAugment.Diff, AugmentTarget = -1f, AugmentSpeedImages = 8 * 4 / 0.3, R1Gamma = 1f, R1Interval = 3 };
        var data = SyntheticDataset.ObjectCentric(32, DataSplit.Train, seed: 3);
        using var loader = new ImageBatchLoader(data, 8, 11);
        var straight = new IlsganTrainer(config, Device.Cpu);
        var ps = new List<float?>();
        for (int i = 0; i < 10; i++) ps.Add(straight.TrainStep(RealBatch(loader, straight.Step)).Find("augment_p"));
        Assert.Equal(0f, ps[0]);
        Assert.Equal(0.3f, ps[4]!.Value, 1e-6f);
        Assert.Equal(0.6f, ps[8]!.Value, 1e-6f);

        var first = new IlsganTrainer(config, Device.Cpu);
        for (int i = 0; i < 6; i++) first.TrainStep(RealBatch(loader, first.Step));
        string path = Path.Combine(Path.GetTempPath(), $"kg-aug-resume-{Guid.NewGuid():N}.kgc");
        try
        {
            TrainerCheckpoint.Save(path, IlsganRun.CheckpointKind, first, new System.Text.Json.Nodes.JsonObject());
            var resumed = new IlsganTrainer(config, Device.Cpu);
            IlsganRun.RestoreFrom(Checkpoint.Load(path), resumed);
            for (int i = 0; i < 4; i++) resumed.TrainStep(RealBatch(loader, resumed.Step));
            Assert.Equal(straight.Augment!.P, resumed.Augment!.P);
            Assert.Equal(straight.Augment.Noise.Offset, resumed.Augment.Noise.Offset);
            Assert.Equal(Parameters(straight), Parameters(resumed));
        }
        finally { File.Delete(path); }
    }
}
