using KernelGan.Gan.Data;
using KernelGan.Gan.Ilsgan;
using KernelGan.Gan.Models;
using KernelGan.Gan.Training;
using Xunit;

namespace KernelGan.Tests.Training;

public class IlsganTrainingTests
{
    private static IlsganConfig Tiny(IndependenceTerm independence = IndependenceTerm.Club, float r1 = 0f, bool fadingCentrePrior = false) => new()
    {
        Architecture = Architecture.Preset("small", 32),
        Batch = 8,
        Seed = 5,
        Independence = independence,
        R1Gamma = r1,
        R1Interval = 2,
        CentrePrior = fadingCentrePrior ? 1.5f : 0f,
        CentrePriorFinal = fadingCentrePrior ? 0.5f : null,
        CentrePriorDecayFrom = 2,
        CentrePriorDecayTo = 5,
    };

    private static Tensor RealBatch(ImageBatchLoader loader, long step) =>
        Tensor.FromArray(loader.Batch(step).Images, [8, 3, 32, 32]);

    private static float[] Parameters(IlsganTrainer t) =>
        t.StateTensors().SelectMany(p => p.Value.ToArray()).ToArray();

    [Theory]
    [InlineData(IndependenceTerm.Club, 0f, false)]
    [InlineData(IndependenceTerm.Mine, 1f, false)]
    [InlineData(IndependenceTerm.None, 0f, true)]
    public void ResumeFromCheckpointReproducesAnUninterruptedRun(IndependenceTerm independence, float r1, bool fadingCentrePrior)
    {
        var config = Tiny(independence, r1, fadingCentrePrior);
        var data = SyntheticDataset.ObjectCentric(32, DataSplit.Train, seed: 3);
        using var loader = new ImageBatchLoader(data, 8, 11);
        var straight = new IlsganTrainer(config, Device.Cpu);
        for (int i = 0; i < 6; i++) straight.TrainStep(RealBatch(loader, straight.Step));

        var first = new IlsganTrainer(config, Device.Cpu);
        for (int i = 0; i < 3; i++) first.TrainStep(RealBatch(loader, first.Step));
        string path = Path.Combine(Path.GetTempPath(), $"kg-resume-{Guid.NewGuid():N}.kgc");
        try
        {
            TrainerCheckpoint.Save(path, IlsganRun.CheckpointKind, first, new System.Text.Json.Nodes.JsonObject());
            var resumed = new IlsganTrainer(config, Device.Cpu);
            IlsganRun.RestoreFrom(Checkpoint.Load(path), resumed);
            for (int i = 0; i < 3; i++) resumed.TrainStep(RealBatch(loader, resumed.Step));
            Assert.Equal(straight.Step, resumed.Step);
            Assert.Equal(Parameters(straight), Parameters(resumed));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void TheCentrePriorFallsLinearlyAndTheGeneratorsFollowTheStep()
    {
        var config = Tiny(fadingCentrePrior: true);
        float[] expected = [1.5f, 1.5f, 1.5f, 1.5f - 1f / 3, 1.5f - 2f / 3, 0.5f, 0.5f];
        for (int step = 0; step < expected.Length; step++) Assert.Equal(expected[step], config.CentrePriorAt(step), 1e-6f);
        Assert.Equal(1.5f, (config with { CentrePriorFinal = null }).CentrePriorAt(100));

        var trainer = new IlsganTrainer(config, Device.Cpu);
        Assert.Equal(1.5f, trainer.GeneratorEma.CentrePriorStrength);
        trainer.Step = 4;
        Assert.Equal(config.CentrePriorAt(4), trainer.Generator.CentrePriorStrength);
        Assert.Equal(config.CentrePriorAt(4), trainer.GeneratorEma.CentrePriorStrength);
    }

    [Fact]
    public void TheCentrePriorIsAddedToTheMaskLogitAtItsCurrentHeight()
    {
        var g = new LayeredGenerator(Device.Cpu, new Rng(2), Architecture.Preset("small", 32), centrePrior: 2f);
        var (zf, zb) = g.SampleLatents(new Rng(3), 4);
        float[] Logits() { using var _ = Tensor.NoGrad(); return g.Forward(zf, zb).Mask.ToArray().Select(m => MathF.Log(m / (1 - m))).ToArray(); }
        var high = Logits();
        g.CentrePriorStrength = 0f;
        var none = Logits();
        g.CentrePriorStrength = 1f;
        var half = Logits();
        int centre = 16 * 32 + 16, corner = 0;
        Assert.Equal(2f, high[centre] - none[centre], 0.05f);   // the bump's top, 2 at the centre
        Assert.Equal(-2f, high[corner] - none[corner], 0.05f);  // and its floor in the corner
        Assert.Equal(1f, half[centre] - none[centre], 0.05f);
    }

    [Fact]
    public void TheMaskLogitIsFlooredSoASaturatedMaskHoldsNoSubnormalsAndPassesNoGradient()
    {
        // A mask-logit bias of -60 puts every logit far below the floor: unfloored, sigmoid(-60) is 9e-27
        // and its gradient scales the upstream one into float's subnormal range.
        var g = new LayeredGenerator(Device.Cpu, new Rng(2), Architecture.Preset("small", 32), maskLogitBias: -60f);
        var (zf, zb) = g.SampleLatents(new Rng(3), 4);
        var mask = g.Forward(zf, zb).Mask;
        float floor = 1f / (1f + MathF.Exp(-LayeredGenerator.MaskLogitFloor));
        Assert.All(mask.ToArray(), m => Assert.Equal(floor, m, 1e-12f));
        Ops.Mean(mask).Backward();
        Assert.All(g.ForegroundBranch.OutputBias.Grad!.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void DivergenceStopsTheRunWithAClearMessageAndKeepsTheLastGoodCheckpoint()
    {
        var dir = new RunDirectory(Directory.CreateTempSubdirectory("kg-diverge-").FullName);
        using var stop = new StopSignal();
        try
        {
            dir.Create();
            var config = new RunConfig<IlsganConfig> { Data = "test", Gan = Tiny(), Steps = 4, SampleEvery = 100, CheckpointEvery = 2 };
            var good = new IlsganRun(config, dir, Device.Cpu, TextWriter.Null);
            good.Train(SyntheticDataset.ObjectCentric(32, DataSplit.Train, seed: 3), stop);
            byte[] saved = File.ReadAllBytes(dir.Checkpoint);

            var poisoned = new IlsganRun(config with { Steps = 8 }, dir, Device.Cpu, TextWriter.Null);
            poisoned.Resume();
            var e = Assert.Throws<TrainingDivergedException>(() => poisoned.Train(new PoisonedImages(), stop));
            Assert.StartsWith("training diverged at step 5", e.Message);
            Assert.Contains($"the last good checkpoint is {dir.Checkpoint}", e.Message);
            Assert.Equal(saved, File.ReadAllBytes(dir.Checkpoint));
        }
        finally { Directory.Delete(dir.Root, recursive: true); }
    }

    [Fact]
    public void AnotherModelsCheckpointIsRefusedWithItsKind()
    {
        string path = Path.Combine(Path.GetTempPath(), $"kg-kind-{Guid.NewGuid():N}.kgc");
        try
        {
            Checkpoint.Save(path, new() { ["kind"] = "prior", ["step"] = 5 }, []);
            var trainer = new IlsganTrainer(Tiny(IndependenceTerm.Club, 0f), Device.Cpu);
            var e = Assert.Throws<CheckpointException>(() => IlsganRun.RestoreFrom(Checkpoint.Load(path), trainer));
            Assert.Contains("'prior' run", e.Message);
            Assert.Equal(0, trainer.Step);
        }
        finally { File.Delete(path); }
    }
}

/// <summary>
/// Learning on the simplest object-centric data: every real image is a white disc (20% of the
/// area) at the centre of a random dark colour. A few dozen ILSGAN steps must move the generated
/// mask toward the disc: its IoU with the disc rises (the mask starts as the centre prior's
/// larger blob and shrinks toward the object's outline).
/// </summary>
public class IlsganLearningTests
{
    private const int Size = 32;

    [Theory]
    [InlineData("small")]
    [InlineData("style")]
    public void AFewDozenStepsMoveTheMaskTowardTheObject(string arch)
    {
        var data = new DiscScenes(Size);
        var config = new IlsganConfig
        {
            Architecture = Architecture.Preset(arch, Size), Batch = 16, Seed = 3,
            LearningRateG = 1e-3f, LearningRateD = 1e-3f, CentrePrior = 3f,
        };
        var trainer = new IlsganTrainer(config, Device.Cpu);
        using var loader = new ImageBatchLoader(data, 16, 1);
        var disc = data.Mask(0)!;
        double MaskIou() => LayerSampler.Generate(trainer.Generator, new Rng(5), 32, 16, Device.Cpu).Average(s => MaskMetrics.Iou(s.Mask, disc));
        double before = MaskIou();
        for (int step = 0; step < 40; step++)
            using (new TensorScope()) trainer.TrainStep(Tensor.FromArray(loader.Batch(step).Images, [16, 3, Size, Size]));
        double after = MaskIou();
        Assert.True(after > before + 0.04, $"mask IoU with the object went from {before:F3} to {after:F3}");
    }

    private sealed class DiscScenes(int size) : IImageDataset
    {
        public int Count => 1000;
        public int Size => size;

        public HostImage Image(int index)
        {
            var r = new Random(index);
            var colour = new[] { (float)r.NextDouble() * 0.6f, (float)r.NextDouble() * 0.6f, (float)r.NextDouble() * 0.6f };
            var img = new HostImage(3, size, size);
            for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
                for (int c = 0; c < 3; c++) img[c, y, x] = Inside(x, y) ? 1f : colour[c];
            return img;
        }

        public HostImage? Mask(int index)
        {
            var m = new HostImage(1, size, size);
            for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++) m[0, y, x] = Inside(x, y) ? 1f : 0f;
            return m;
        }

        public string Name(int index) => $"disc-{index}";

        private bool Inside(int x, int y)
        {
            float u = x + 0.5f - size / 2f, v = y + 0.5f - size / 2f, r = size * 0.25f;
            return u * u + v * v < r * r;
        }
    }
}
