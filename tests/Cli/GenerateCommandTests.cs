using System.Globalization;
using KernelGan.Gan.Data;
using KernelGan.Gan.Ilsgan;
using KernelGan.Gan.Training;
using Xunit;

namespace KernelGan.Tests.Cli;

/// <summary>One tiny ILSGAN run (two steps on four images), trained once and shared by the generate tests.</summary>
public sealed class TinyIlsganRun : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("kg-gen-").FullName;
    public string Run => Path.Combine(Root, "run");
    public string Data => Path.Combine(Root, "data");

    public TinyIlsganRun()
    {
        Directory.CreateDirectory(Path.Combine(Data, "images"));
        var scenes = SyntheticDataset.ObjectCentric(32, DataSplit.Test, seed: 3);
        for (int i = 0; i < 4; i++) ImageIo.SavePng(Path.Combine(Data, "images", $"s{i}.png"), scenes.Image(i));
        var r = CliHarness.Run("train", "--data", Data, "--out", Run, "--device", "cpu", "--arch", "small", "--size", "32", "--batch", "4",
            "--steps", "2", "--seg-steps", "2", "--seg-pairs", "20", "--sample-every", "1", "--checkpoint-every", "1", "--no-segmenter",
            "--latent", "independent"); // two latent inputs: the form the export tests check by default
        Assert.True(r.ExitCode == 0, r.Error + r.Out);
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

/// <summary>`kernelgan generate`: the files it writes, --topk against D's scores, determinism, and its one-line errors.</summary>
[Collection("cli")]
public class GenerateCommandTests(TinyIlsganRun fixture) : IClassFixture<TinyIlsganRun>
{
    private string Out(string name) => Path.Combine(fixture.Root, name + "-" + Guid.NewGuid().ToString("N")[..8]);

    private CliHarness.Result Generate(string outDir, params string[] extra) =>
        CliHarness.Run(["generate", "--run", fixture.Run, "--out", outDir, "--device", "cpu", "--batch", "8", .. extra]);

    private static string[] Pngs(string dir) => Directory.GetFiles(dir, "*.png").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Fact]
    public void WritesNImagesBinaryMasksAndLayersAtTheRunsSize()
    {
        string dir = Out("plain");
        var r = Generate(dir, "--n", "10", "--layers");
        Assert.True(r.ExitCode == 0, r.Error + r.Out);
        Assert.Contains("EMA generator", r.Out);
        foreach (var sub in new[] { "images", "masks", "fg", "bg" })
            Assert.Equal(Enumerable.Range(0, 10).Select(i => $"{i:D6}.png"), Pngs(Path.Combine(dir, sub)));
        foreach (var name in Pngs(Path.Combine(dir, "images")))
        {
            var image = ImageIo.LoadRgb(Path.Combine(dir, "images", name));
            Assert.Equal((32, 32), (image.Width, image.Height));
            var mask = ImageIo.LoadMask(Path.Combine(dir, "masks", name));
            Assert.Equal((32, 32), (mask.Width, mask.Height));
            Assert.All(mask.Data, v => Assert.True(v is 0f or 1f, $"mask value {v} is not binary"));
        }
        // Nothing but the PNGs: every temp file was renamed into place.
        Assert.Empty(Directory.GetFiles(dir, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void TheSameSeedGivesTheSameFilesAndAnotherSeedOthers()
    {
        string a = Out("a"), b = Out("b"), c = Out("c");
        Assert.Equal(0, Generate(a, "--n", "6", "--seed", "4").ExitCode);
        Assert.Equal(0, Generate(b, "--n", "6", "--seed", "4").ExitCode);
        Assert.Equal(0, Generate(c, "--n", "6", "--seed", "5").ExitCode);
        foreach (var name in Pngs(Path.Combine(a, "images")))
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, "images", name)), File.ReadAllBytes(Path.Combine(b, "images", name)));
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, "masks", name)), File.ReadAllBytes(Path.Combine(b, "masks", name)));
        }
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(a, "images", "000000.png")), File.ReadAllBytes(Path.Combine(c, "images", "000000.png")));
    }

    [Fact]
    public void TruncationZeroGivesTheMeanSampleEverywhereAndHalfDiffersFromOff()
    {
        // psi = 0 sets every z to the prior's mean; with the batch norms frozen, every sample is the same.
        string zero = Out("psi0"), half = Out("psi05"), off = Out("psi1");
        Assert.Equal(0, Generate(zero, "--n", "5", "--truncation", "0").ExitCode);
        var first = File.ReadAllBytes(Path.Combine(zero, "images", "000000.png"));
        foreach (var name in Pngs(Path.Combine(zero, "images")))
            Assert.Equal(first, File.ReadAllBytes(Path.Combine(zero, "images", name)));
        Assert.Equal(0, Generate(half, "--n", "5", "--truncation", "0.5").ExitCode);
        Assert.Equal(0, Generate(off, "--n", "5").ExitCode);
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(half, "images", "000001.png")), File.ReadAllBytes(Path.Combine(half, "images", "000002.png")));
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(half, "images", "000001.png")), File.ReadAllBytes(Path.Combine(off, "images", "000001.png")));
    }

    [Fact]
    public void TopKKeepsTheSamplesTheDiscriminatorScoresHighest()
    {
        string all = Out("all"), top = Out("top");
        Assert.Equal(0, Generate(all, "--n", "16").ExitCode);
        var r = Generate(top, "--n", "16", "--topk", "5");
        Assert.True(r.ExitCode == 0, r.Error + r.Out);
        var kept = Pngs(Path.Combine(top, "images"));
        Assert.Equal(5, kept.Length);
        Assert.Equal(5, Pngs(Path.Combine(top, "masks")).Length);
        // The kept files are the same samples as in the full set (same names, same pixels).
        foreach (var name in kept)
            Assert.Equal(File.ReadAllBytes(Path.Combine(all, "images", name)), File.ReadAllBytes(Path.Combine(top, "images", name)));

        // D's scores, computed here from the run's checkpoint on the full set's images.
        var ckpt = Checkpoint.Load(Path.Combine(fixture.Run, "checkpoint.kgc"));
        var config = RunConfig<IlsganConfig>.FromJson(ckpt.Metadata["config"]!.ToJsonString(), "checkpoint");
        var trainer = new IlsganTrainer(config.Gan, KernelGan.Device.Cpu);
        IlsganRun.RestoreFrom(ckpt, trainer);
        trainer.Discriminator.Eval();
        var names = Pngs(Path.Combine(all, "images"));
        var pixels = new float[names.Length * 3 * 32 * 32];
        for (int i = 0; i < names.Length; i++)
            ImageIo.LoadRgb(Path.Combine(all, "images", names[i])).ToMinusOneOne(pixels.AsSpan(i * 3 * 1024, 3 * 1024));
        float[] ours;
        using (Tensor.NoGrad())
        using (var x = Tensor.FromArray(pixels, [names.Length, 3, 32, 32], KernelGan.Device.Cpu))
        using (var logits = trainer.Discriminator.Forward(x))
            ours = logits.ToArray();

        var rows = File.ReadAllLines(Path.Combine(top, "scores.csv")).Skip(1).Select(l => l.Split(','))
            .Select(f => (Index: int.Parse(f[0]), Score: float.Parse(f[1], CultureInfo.InvariantCulture), Kept: f[2] == "1")).ToList();
        Assert.Equal(16, rows.Count);
        // Its scores are D's (up to the 8-bit rounding of the PNGs), and it kept the five highest.
        float tolerance = 0;
        foreach (var row in rows) tolerance = Math.Max(tolerance, Math.Abs(row.Score - ours[row.Index]));
        Assert.True(tolerance < 0.05f, $"scores.csv differs from D's scores by up to {tolerance}");
        var topByCsv = rows.OrderByDescending(x => x.Score).Take(5).Select(x => $"{x.Index:D6}.png").Order(StringComparer.Ordinal);
        Assert.Equal(topByCsv, kept);
        Assert.Equal(kept, rows.Where(x => x.Kept).Select(x => $"{x.Index:D6}.png"));
        float lowestKept = kept.Min(n => ours[int.Parse(n[..6])]);
        float highestDropped = names.Except(kept).Max(n => ours[int.Parse(n[..6])]);
        Assert.True(lowestKept >= highestDropped - 2 * tolerance, $"kept {lowestKept} < dropped {highestDropped}");
    }

    [Fact]
    public void TheSegmenterTrainsOnAGeneratedFolder()
    {
        string pairs = Out("pairs");
        Assert.Equal(0, Generate(pairs, "--n", "12").ExitCode);
        // A copy of the run, so the shared run stays without a segmenter for the other tests.
        string run = Out("segrun");
        Directory.CreateDirectory(run);
        foreach (var f in new[] { "config.json", "checkpoint.kgc" }) File.Copy(Path.Combine(fixture.Run, f), Path.Combine(run, f));
        var r = CliHarness.Run("train", "--out", run, "--resume", "--device", "cpu", "--seg-pairs-from", pairs);
        Assert.True(r.ExitCode == 0, r.Error + r.Out);
        Assert.Contains("12 image/mask pairs from a folder", r.Out);
        Assert.True(File.Exists(Path.Combine(run, "segmenter.kgc")));
        Assert.Equal(2 + 1, File.ReadAllLines(Path.Combine(run, "segmenter.csv")).Length); // header + --seg-steps 2
    }

    [Fact]
    public void BadInputIsOneLine()
    {
        CliHarness.AssertOneLineError(CliHarness.Run("generate", "--run", Path.Combine(fixture.Root, "nope"), "--n", "2", "--out", Out("x")), "nope", "no such run");
        CliHarness.AssertOneLineError(CliHarness.Run("generate", "--run", fixture.Run, "--out", Out("x")), "--n");
        CliHarness.AssertOneLineError(Generate(Out("x"), "--n", "4", "--topk", "5"), "--topk");
        CliHarness.AssertOneLineError(Generate(Out("x"), "--n", "4", "--truncation", "-1"), "--truncation");
        string used = Out("used");
        Assert.Equal(0, Generate(used, "--n", "2").ExitCode);
        CliHarness.AssertOneLineError(Generate(used, "--n", "2"), "already holds files");
        // A prior run (only its config.json is read to tell) is refused by name.
        string prior = Out("prior");
        Directory.CreateDirectory(prior);
        File.WriteAllText(Path.Combine(prior, "config.json"), "{\"Model\": \"prior\"}");
        CliHarness.AssertOneLineError(CliHarness.Run("generate", "--run", prior, "--n", "2", "--out", Out("x")), "independence-prior", "ILSGAN runs only");
        string noPairs = Out("nopairs");
        Directory.CreateDirectory(noPairs);
        CliHarness.AssertOneLineError(CliHarness.Run("train", "--out", fixture.Run, "--resume", "--device", "cpu", "--steps", "2", "--seg-pairs-from", noPairs), "images/");
    }
}
