using KernelGan.Gan.Data;
using KernelGan.Gan.Hoc;
using KernelGan.Gan.Prior;
using KernelGan.Gan.Training;
using KernelGan.Tests.Data;
using Xunit;

namespace KernelGan.Tests.Prior;

/// <summary>
/// The background's own critic (--bg-adversary): its real background is windows of the training
/// scenes outside every box, and it pulls the background layer toward what those show.
/// </summary>
public class BackgroundAdversaryTests
{
    private static BoxAnnotation Box(double x, double y, double w, double h) => new(x, y, w, h, 128, 96);

    [Fact]
    public void BoxFreeWindowsLieInTheSceneAndOverlapNoBox()
    {
        var boxes = new[] { Box(10.5, 20.2, 30, 25.6), Box(70, 8, 20.3, 60) };
        var windows = BackgroundPatchBank.BoxFreeWindows(128, 96, boxes, targetSide: 40, count: 64, new Random(1));
        Assert.NotEmpty(windows);
        foreach (var w in windows)
        {
            Assert.True(w.X >= 0 && w.Y >= 0 && w.X + w.Side <= 128 && w.Y + w.Side <= 96, $"{w} leaves the scene");
            Assert.InRange(w.Side, 16, 40);
            // Pixel by pixel: no pixel of the window touches a box (a box covers every pixel it reaches into).
            foreach (var b in boxes)
                for (int y = w.Y; y < w.Y + w.Side; y++)
                    for (int x = w.X; x < w.X + w.Side; x++)
                        Assert.False(x + 1 > b.X && x < b.X + b.Width && y + 1 > b.Y && y < b.Y + b.Height, $"{w} covers pixel ({x}, {y}) of box {b}");
        }
    }

    [Fact]
    public void WindowsTakeTheCropsSideWhereOneFitsAndShrinkWhereNot()
    {
        var corner = new[] { Box(0, 0, 20, 20) };
        var large = BackgroundPatchBank.BoxFreeWindows(128, 96, corner, targetSide: 30, count: 8, new Random(2));
        Assert.Equal(8, large.Count);
        Assert.All(large, w => Assert.Equal(30, w.Side));

        // A box over all but a 20 px strip: a 50 px window cannot fit, a smaller one can.
        var most = new[] { Box(0, 0, 128, 76) };
        var small = BackgroundPatchBank.BoxFreeWindows(128, 96, most, targetSide: 50, count: 4, new Random(3));
        Assert.NotEmpty(small);
        Assert.All(small, w => Assert.InRange(w.Side, 20, 20));

        var covered = new[] { Box(0, 0, 128, 96) };
        Assert.Empty(BackgroundPatchBank.BoxFreeWindows(128, 96, covered, targetSide: 40, count: 4, new Random(4)));
    }

    /// <summary>Scenes of blue noise with a red square in a box each, as a box-level folder.</summary>
    private static void WriteBoxedScenes(TempDirectory dir, int scenes)
    {
        Directory.CreateDirectory(dir.Combine("images"));
        var rows = new List<string> { "stem,x,y,w,h" };
        var r = new Random(5);
        for (int s = 0; s < scenes; s++)
        {
            var image = new HostImage(3, 64, 80);
            int bx = r.Next(0, 50), by = r.Next(0, 34), side = 24;
            for (int y = 0; y < 64; y++)
                for (int x = 0; x < 80; x++)
                {
                    bool inside = x >= bx && x < bx + side && y >= by && y < by + side;
                    float n = (float)r.NextDouble() * 0.2f;
                    image[0, y, x] = inside ? 0.9f : n;
                    image[1, y, x] = inside ? 0.1f : 0.3f + n;
                    image[2, y, x] = inside ? 0.1f : 0.7f + n;
                }
            ImageIo.SavePng(dir.Combine("images", $"s{s}.png"), image);
            rows.Add($"s{s},{bx},{by},{side},{side}");
        }
        File.WriteAllLines(dir.Combine("boxes.csv"), rows);
    }

    [Fact]
    public void ABankFromBoxedScenesHoldsTheirBackgroundOnly()
    {
        using var dir = new TempDirectory();
        WriteBoxedScenes(dir, 6);
        var scenes = new FolderDataset(dir.Path, 16, useBoxes: true);
        var bank = BackgroundPatchBank.Build(scenes, 16, seed: 1);

        Assert.Equal(6, bank.Scenes);
        Assert.Equal(0, bank.ScenesWithoutBackground);
        Assert.InRange(bank.Count, 6, 6 * 4);
        var batch = bank.Batch(32, seed: 1, step: 0);
        Assert.Equal(32 * 3 * 16 * 16, batch.Length);
        // In [-1, 1]: red of the background is at most 2 * 0.2 - 1 = -0.6 (the square's is 0.8), blue at least 0.4.
        int plane = 16 * 16;
        for (int n = 0; n < 32; n++)
            for (int p = 0; p < plane; p++)
            {
                Assert.True(batch[(n * 3) * plane + p] < -0.5f, $"patch {n} pixel {p}: red {batch[(n * 3) * plane + p]}, from a box");
                Assert.True(batch[(n * 3 + 2) * plane + p] > 0.3f, $"patch {n} pixel {p}: blue {batch[(n * 3 + 2) * plane + p]}");
            }
    }

    [Fact]
    public void ABatchIsAPureFunctionOfSeedAndStep()
    {
        var r = new Random(6);
        var images = Enumerable.Range(0, 5).Select(_ =>
        {
            var i = new HostImage(3, 8, 8);
            for (int k = 0; k < i.Data.Length; k++) i.Data[k] = (float)r.NextDouble();
            return i;
        }).ToList();
        var bank = BackgroundPatchBank.FromImages(images);
        Assert.Equal(bank.Batch(4, 1, 7), BackgroundPatchBank.FromImages(images).Batch(4, 1, 7));
        Assert.NotEqual(bank.Batch(4, 1, 7), bank.Batch(4, 1, 8));
        Assert.NotEqual(bank.Batch(4, 1, 7), bank.Batch(4, 2, 7));
    }

    private static HostImage TinyScene() => ImageOps.Resize(SyntheticDataset.Hoc(16, seed: 4, sceneSize: 128).Image, 64, 64);

    private static PriorConfig Tiny(float weight) =>
        HocConfig.DefaultPrior(slots: 1, crop: 16, seed: 9) with
        {
            Architecture = HocConfig.DefaultPrior(1, 16, 9).Architecture with { ProviderWidth = 8, DiscriminatorWidth = 8, LatentDim = 8 },
            Batch = 4,
            PriorWarmupSteps = 2,
            BackgroundAdversaryWeight = weight,
        };

    /// <summary>Real background of one colour: red, in [0, 1].</summary>
    private static BackgroundPatchBank RedBackground()
    {
        var red = new HostImage(3, 16, 16);
        red.Plane(0).Fill(0.9f); red.Plane(1).Fill(0.1f); red.Plane(2).Fill(0.1f);
        return BackgroundPatchBank.FromImages([red]);
    }

    private static PriorTrainer Trainer(float weight)
    {
        var t = new PriorTrainer(Tiny(weight), Device.Cpu);
        if (t.BackgroundAdversary is { } b) b.Patches = RedBackground();
        return t;
    }

    private static GanStepStats Step(PriorTrainer t, SceneCropSampler crops)
    {
        using var scope = new TensorScope();
        return t.TrainStep(Tensor.FromArray(crops.Batch(t.Step), [4, 3, 16, 16]));
    }

    private static float[] State(PriorTrainer t) => t.StateTensors().SelectMany(p => p.Value.ToArray()).ToArray();

    [Fact]
    public void TheCriticPullsTheBackgroundTowardTheRealBackground()
    {
        // The scene's crops hold no pure red; only the critic asks for it. 60 steps each, same seeds.
        var crops = new SceneCropSampler(TinyScene(), 16, 4, seed: 2);
        float Redness(PriorTrainer t)
        {
            for (int i = 0; i < 60; i++) Step(t, crops);
            using var scope = new TensorScope();
            var z = t.Generator.SampleLatents(new Rng(11), 16, Device.Cpu);
            var bg = t.Generator.Background.Forward(z.Background).ToArray();
            int plane = 16 * 16, each = 3 * plane;
            double red = 0;
            for (int n = 0; n < 16; n++)
                for (int p = 0; p < plane; p++) red += bg[n * each + p] - bg[n * each + 2 * plane + p];
            return (float)(red / (16 * plane));
        }
        float with = Redness(Trainer(10f)), without = Redness(Trainer(0f));
        Assert.True(with > without + 0.25f, $"background red minus blue: {with:F3} with the critic, {without:F3} without");
    }

    [Fact]
    public void WithTheCriticStepsAreFiniteChargedAndResumeExactly()
    {
        var crops = new SceneCropSampler(TinyScene(), 16, 4, seed: 2);
        var straight = Trainer(1f);
        var stats = Enumerable.Range(0, 4).Select(_ => Step(straight, crops)).ToList();
        Assert.All(stats, s => Assert.True(s.IsFinite && s["loss_bg_critic"] > 0f && s["bg_adv"] > 0f, s.ToCsv()));
        Assert.All(Enumerable.Range(0, 2).Select(_ => Step(Trainer(0f), crops)), s => Assert.Equal(0f, s["bg_adv"]));
        Assert.Contains(straight.StateTensors(), t => t.Name.StartsWith("bg_critic.critic.") );
        Assert.Contains(straight.StateTensors(), t => t.Name.StartsWith("bg_critic.opt."));

        var first = Trainer(1f);
        for (int i = 0; i < 2; i++) Step(first, crops);
        var dir = new RunDirectory(Directory.CreateTempSubdirectory("kg-bg-critic-").FullName);
        try
        {
            TrainerCheckpoint.Save(dir.Checkpoint, PriorRun.CheckpointKind, first, new System.Text.Json.Nodes.JsonObject());
            var run = new PriorRun(first.Config, new RunSchedule(2, null), dir, Device.Cpu, TextWriter.Null, new());
            run.Resume();
            run.Trainer.BackgroundAdversary!.Patches = RedBackground();
            for (int i = 0; i < 2; i++) Step(run.Trainer, crops);
            Assert.Equal(State(straight), State(run.Trainer));
        }
        finally { Directory.Delete(dir.Root, recursive: true); }
    }

    [Fact]
    public void WithoutPatchesTheCriticRefusesToStep()
    {
        var crops = new SceneCropSampler(TinyScene(), 16, 4, seed: 2);
        var t = new PriorTrainer(Tiny(1f), Device.Cpu);
        var e = Assert.Throws<InvalidOperationException>(() => Step(t, crops));
        Assert.Contains("no real background patches", e.Message);
    }
}
