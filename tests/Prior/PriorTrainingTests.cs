using KernelGan.Gan.Data;
using KernelGan.Gan.Hoc;
using KernelGan.Gan.Models;
using KernelGan.Gan.Prior;
using KernelGan.Gan.Training;
using Xunit;

namespace KernelGan.Tests.Prior;

/// <summary>A few steps of independence-prior training on random crops of a tiny HOC image.</summary>
public class PriorTrainingTests
{
    private static HostImage TinyScene() => ImageOps.Resize(SyntheticDataset.Hoc(16, seed: 4, sceneSize: 128).Image, 64, 64);

    private static PriorConfig Tiny(IndependenceTerm independence = IndependenceTerm.None) =>
        HocConfig.DefaultPrior(slots: 3, crop: 16, seed: 9) with
        {
            Architecture = HocConfig.DefaultPrior(3, 16, 9).Architecture with { ProviderWidth = 8, DiscriminatorWidth = 8, LatentDim = 8 },
            Batch = 4,
            PriorWarmupSteps = 2,
            Independence = independence,
        };

    private static float[] State(PriorTrainer t) => t.StateTensors().SelectMany(p => p.Value.ToArray()).ToArray();

    private static GanStepStats Step(PriorTrainer t, SceneCropSampler crops)
    {
        using var scope = new TensorScope();
        return t.TrainStep(Tensor.FromArray(crops.Batch(t.Step), [4, 3, 16, 16]));
    }

    [Theory]
    [InlineData(IndependenceTerm.None)]
    [InlineData(IndependenceTerm.Mine)]
    public void StepsAreFiniteAndResumeReproducesAnUninterruptedRun(IndependenceTerm independence)
    {
        var crops = new SceneCropSampler(TinyScene(), 16, 4, seed: 2);
        var straight = new PriorTrainer(Tiny(independence), Device.Cpu);
        var stats = Enumerable.Range(0, 4).Select(_ => Step(straight, crops)).ToList();
        Assert.All(stats, s => Assert.True(s.IsFinite && float.IsFinite(s.Area) && float.IsFinite(s.MutualInformation), $"step {s.Step}: {s.ToCsv()}"));
        Assert.All(stats, s => Assert.InRange(s["scale"], 0.35f, 1.0f));

        var first = new PriorTrainer(Tiny(independence), Device.Cpu);
        for (int i = 0; i < 2; i++) Step(first, crops);
        var dir = new RunDirectory(Directory.CreateTempSubdirectory("kg-prior-").FullName);
        try
        {
            var run = new PriorRun(first.Config, new RunSchedule(2, null), dir, Device.Cpu, TextWriter.Null, new());
            // Save first's state through a run object sharing nothing with it but the checkpoint format.
            TrainerCheckpoint.Save(dir.Checkpoint, PriorRun.CheckpointKind, first, new System.Text.Json.Nodes.JsonObject());
            run.Resume();
            for (int i = 0; i < 2; i++) Step(run.Trainer, crops);
            Assert.Equal(straight.Step, run.Trainer.Step);
            Assert.Equal(State(straight), State(run.Trainer));
        }
        finally { Directory.Delete(dir.Root, recursive: true); }
    }

    [Fact]
    public void TheInstanceAreaFloorIsChargedOnlyBelowItAndOnlyWhenAsked()
    {
        // Masks start near sigmoid(-2) of each frame, so every placed instance is well under 0.9 of the canvas.
        var crops = new SceneCropSampler(TinyScene(), 16, 4, seed: 2);
        var plain = Step(new PriorTrainer(Tiny(), Device.Cpu), crops);
        var floored = Step(new PriorTrainer(Tiny() with { MinimumInstanceArea = 0.9f }, Device.Cpu), crops);
        Assert.True(floored["floor"] > plain["floor"] + 0.5f, $"floor {floored["floor"]} with a 0.9 minimum vs {plain["floor"]} without");
        var low = Step(new PriorTrainer(Tiny() with { MinimumInstanceArea = 1e-6f }, Device.Cpu), crops);
        Assert.Equal(plain["floor"], low["floor"], 1e-6f);
    }

    [Fact]
    public void TheOutsideBoxTermChargesMaskInTheCropsOuterFrameOnly()
    {
        // Same seeds, same first step: the only difference in G's loss is the new term, and it is positive
        // (placed instances reach into the outer sixth at the start); with weight 0 nothing changes.
        var crops = new SceneCropSampler(TinyScene(), 16, 4, seed: 2);
        var plain = Step(new PriorTrainer(Tiny(), Device.Cpu), crops);
        var charged = Step(new PriorTrainer(Tiny() with { OutsideBoxWeight = 100f }, Device.Cpu), crops);
        Assert.True(charged.LossG > plain.LossG + 1e-3f, $"loss_g {charged.LossG} with the term vs {plain.LossG} without");
        Assert.Equal(plain.Adversarial, charged.Adversarial);
        var off = Step(new PriorTrainer(Tiny() with { OutsideBoxWeight = 0f }, Device.Cpu), crops);
        Assert.Equal(plain.LossG, off.LossG);
    }

    [Fact]
    public void CropsOfAStepAreAPureFunctionOfTheStep()
    {
        var a = new SceneCropSampler(TinyScene(), 16, 4, seed: 2);
        var b = new SceneCropSampler(TinyScene(), 16, 4, seed: 2);
        Assert.Equal(a.Batch(7), b.Batch(7));
        Assert.NotEqual(a.Batch(7), a.Batch(8));
    }

    [Fact]
    public void GeneratedSamplesHaveConsistentLayersAndInstanceMaps()
    {
        var trainer = new PriorTrainer(Tiny(), Device.Cpu);
        var sample = PriorSampler.Generate(trainer.GeneratorEma, new Rng(3), 1, 4, Device.Cpu).Single();
        Assert.Equal(3, sample.Slots.Count);
        // Recomposite on the host: bg, then each slot over it, must equal the generator's composite.
        var x = sample.Background.Clone();
        foreach (var s in sample.Slots)
            for (int c = 0; c < 3; c++)
                for (int p = 0; p < x.PlaneSize; p++)
                {
                    float m = s.PlacedMask.Data[p];
                    x.Data[c * x.PlaneSize + p] = m * s.PlacedAppearance.Data[c * x.PlaneSize + p] + (1 - m) * x.Data[c * x.PlaneSize + p];
                }
        for (int i = 0; i < x.Data.Length; i++) Assert.Equal(sample.Composite.Data[i], Math.Clamp(x.Data[i], 0f, 1f), 3);
        var ids = sample.VisibleInstanceMap();
        Assert.All(ids, id => Assert.InRange(id, 0, 3));
    }

    [Fact]
    public void TheShiftPerturbationMovesEachPlacedInstanceAndOnlyWhenAsked()
    {
        var generator = new PriorTrainer(Tiny(), Device.Cpu).Generator;
        var z = generator.SampleLatents(new Rng(5), 2, Device.Cpu);
        int rows = 2 * generator.Architecture.SlotsPerProvider, size = generator.Architecture.CanvasSize;
        var plain = generator.Forward(z);
        var zero = generator.Forward(z, [Tensor.Zeros([rows, 2], Device.Cpu)]);
        Assert.Equal(plain.Composite.ToArray(), zero.Composite.ToArray());

        // +0.5 in normalized units is a quarter of the canvas: 4 pixels right at 16 px, none down.
        var offsets = new float[rows * 2];
        for (int r = 0; r < rows; r++) offsets[2 * r] = 0.5f;
        var shifted = generator.Forward(z, [Tensor.FromArray(offsets, [rows, 2])]);
        // Each shifted pixel samples the canonical frame where the unshifted one 4 pixels to its left did.
        for (int slot = 0; slot < plain.Slots.Count; slot++)
        {
            var before = plain.Slots[slot].Mask.ToArray();
            var after = shifted.Slots[slot].Mask.ToArray();
            Assert.True(before.Sum() > 1f, $"slot {slot} has no mask to follow");
            for (int p = 0; p < before.Length; p++)
                if (p % size >= 4) Assert.Equal(before[p - 4], after[p], 4);
        }
        // The background does not move.
        Assert.Equal(plain.Background.ToArray(), shifted.Background.ToArray());
    }

    [Fact]
    public void TheTrainerDrawsShiftsOnlyWhenConfiguredAndRejectsLargeOnes()
    {
        var crops = new SceneCropSampler(TinyScene(), 16, 4, seed: 2);
        var plain = Step(new PriorTrainer(Tiny(), Device.Cpu), crops);
        var shifted = Step(new PriorTrainer(Tiny() with { ShiftFraction = 0.125f }, Device.Cpu), crops);
        Assert.NotEqual(plain.LossD, shifted.LossD);
        Assert.Throws<ArgumentException>(() => new PriorTrainer(Tiny() with { ShiftFraction = 0.6f }, Device.Cpu));
    }
}
