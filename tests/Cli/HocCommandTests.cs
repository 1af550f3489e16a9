using KernelGan.Gan.Data;
using Xunit;

namespace KernelGan.Tests.Cli;

/// <summary>`kernelgan hoc` and `train --boxes` end to end on tiny inputs, and their one-line errors.</summary>
[Collection("cli")]
public class HocCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kg-hoc-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string TinyHocImage(int width = 64, int height = 48)
    {
        string path = Path.Combine(_root, "cluster.png");
        var scene = SyntheticDataset.Hoc(16, seed: 5, sceneSize: 128).Image;
        ImageIo.SavePng(path, ImageOps.Resize(scene, height, width));
        return path;
    }

    private static string[] TinyHoc(string image, string run) =>
        ["hoc", "--image", image, "--out", run, "--device", "cpu", "--crop", "16", "--work-size", "64", "--instances", "2",
         "--steps", "3", "--seg-steps", "2", "--seg-pairs", "20", "--batch", "4", "--minutes", "5"];

    [Fact]
    public void HocWritesOneMaskPerInstanceAnOverlayAndACsvAtTheImagesSize()
    {
        string run = Path.Combine(_root, "run");
        var r = CliHarness.Run(TinyHoc(TinyHocImage(64, 48), run));
        Assert.True(r.ExitCode == 0, r.Error + r.Out);
        var overlay = ImageIo.LoadRgb(Path.Combine(run, "overlay.png"));
        Assert.Equal((64, 48), (overlay.Width, overlay.Height));
        var csv = File.ReadAllLines(Path.Combine(run, "instances.csv"));
        Assert.Equal("id,area,x,y,w,h", csv[0]);
        var masks = Directory.GetFiles(Path.Combine(run, "instances"), "*.png");
        Assert.Equal(csv.Length - 1, masks.Length);
        foreach (var m in masks)
        {
            var mask = ImageIo.LoadMask(m);
            Assert.Equal((64, 48), (mask.Width, mask.Height));
        }
        // Instances are disjoint, and each CSV area is its mask's pixel count.
        var union = new int[64 * 48];
        for (int i = 0; i < masks.Length; i++)
        {
            var mask = ImageIo.LoadMask(masks[i]);
            int area = 0;
            for (int p = 0; p < union.Length; p++) if (mask.Data[p] > 0.5f) { union[p]++; area++; }
            Assert.Equal(int.Parse(csv[i + 1].Split(',')[1]), area);
        }
        Assert.All(union, n => Assert.InRange(n, 0, 1));
        Assert.True(File.Exists(Path.Combine(run, "report.html")));
        Assert.True(File.Exists(Path.Combine(run, "checkpoint.kgc")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(run, "samples"), "*.png"));
    }

    [Fact]
    public void HocWithoutImageIsAUsageError() =>
        CliHarness.AssertOneLineError(CliHarness.Run("hoc", "--out", Path.Combine(_root, "run")), "--image");

    [Fact]
    public void HocWithACorruptImageNamesTheFile()
    {
        string path = Path.Combine(_root, "broken.png");
        var bytes = ImageIo.EncodePng(new HostImage(3, 40, 40));
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        string run = Path.Combine(_root, "run");
        CliHarness.AssertOneLineError(CliHarness.Run(TinyHoc(path, run)), "broken.png");
        Assert.False(Directory.Exists(run), "a failed start must not leave a run directory behind");
    }

    [Fact]
    public void HocWithAMissingImage() =>
        CliHarness.AssertOneLineError(CliHarness.Run(TinyHoc(Path.Combine(_root, "nope.png"), Path.Combine(_root, "run"))), "nope.png");

    [Fact]
    public void BoxTrainingWithAnUnknownStemNamesTheLine()
    {
        string data = Path.Combine(_root, "boxes");
        Directory.CreateDirectory(Path.Combine(data, "images"));
        ImageIo.SavePng(Path.Combine(data, "images", "a.png"), new HostImage(3, 40, 40));
        File.WriteAllText(Path.Combine(data, "boxes.csv"), "stem,x,y,w,h\na,5,5,20,20\nghost,1,1,10,10\n");
        var r = CliHarness.Run("train", "--data", data, "--boxes", "--out", Path.Combine(_root, "run"), "--device", "cpu",
            "--size", "32", "--batch", "4", "--steps", "1");
        CliHarness.AssertOneLineError(r, "boxes.csv", "line 3", "ghost");
    }

    [Theory]
    [InlineData(new string[0], "(7:30, up to 3 rounds while time allows)")] // the default under a budget: auto
    [InlineData(new[] { "--self-train-rounds", "2" }, "(7:30, 2 rounds)")]
    public void BoxTrainingUnderABudgetTakesRoundsWhileTimeAllows(string[] rounds, string expected)
    {
        // The budget line comes before the data is read, so a folder whose boxes.csv names a missing
        // image shows it and then fails, without training anything.
        string data = Path.Combine(_root, "boxes-budget");
        Directory.CreateDirectory(Path.Combine(data, "images"));
        ImageIo.SavePng(Path.Combine(data, "images", "a.png"), new HostImage(3, 40, 40));
        File.WriteAllText(Path.Combine(data, "boxes.csv"), "stem,x,y,w,h\nghost,1,1,10,10\n");
        var r = CliHarness.Run(["train", "--data", data, "--boxes", "--out", Path.Combine(_root, "run"), "--device", "cpu", "--minutes", "30", .. rounds]);
        CliHarness.AssertOneLineError(r, "ghost");
        Assert.Contains($"self-training until 28:30 {expected}", r.Out);
    }

    /// <summary>A folder of three 64 px synthetic box scenes with their masks and a boxes.csv.</summary>
    private string BoxFolder(string name, SyntheticBoxScenes scenes)
    {
        string data = Path.Combine(_root, name);
        Directory.CreateDirectory(Path.Combine(data, "images"));
        Directory.CreateDirectory(Path.Combine(data, "masks"));
        var lines = new List<string> { "stem,x,y,w,h" };
        for (int i = 0; i < 3; i++)
        {
            ImageIo.SavePng(Path.Combine(data, "images", $"s{i}.png"), scenes.SceneImage(i));
            ImageIo.SavePng(Path.Combine(data, "masks", $"s{i}.png"), scenes.SceneMask(i)!);
            var b = scenes.SceneBoxes(i)[0];
            lines.Add(FormattableString.Invariant($"s{i},{b.X},{b.Y},{b.Width},{b.Height}"));
        }
        File.WriteAllLines(Path.Combine(data, "boxes.csv"), lines);
        return data;
    }

    [Fact]
    public void TheBackgroundCriticTrainsOnBoxFreeWindowsAndResumes()
    {
        string data = BoxFolder("bgcritic", SyntheticDataset.BoxScenes(32, DataSplit.Test, seed: 1, sceneSize: 64));
        string run = Path.Combine(_root, "bgrun");
        var r = CliHarness.Run("train", "--data", data, "--boxes", "--out", run, "--device", "cpu", "--size", "32", "--batch", "4",
            "--steps", "2", "--checkpoint-every", "1", "--no-segmenter");
        Assert.True(r.ExitCode == 0, r.Error + r.Out);
        // The default with --boxes: a full background branch with its own critic.
        Assert.Matches(@"background critic: \d+ box-free windows from [1-3] of 3 scenes", r.Out);
        string config = File.ReadAllText(Path.Combine(run, "config.json"));
        Assert.Contains("\"BackgroundAdversaryWeight\": 1", config);
        Assert.Contains("\"BackgroundDetail\": 1", config);
        var header = File.ReadLines(Path.Combine(run, "metrics.csv")).First().Split(',');
        var last = File.ReadLines(Path.Combine(run, "metrics.csv")).Last().Split(',');
        Assert.True(float.Parse(last[Array.IndexOf(header, "bg_adv")], System.Globalization.CultureInfo.InvariantCulture) > 0f, string.Join(",", last));
        var resumed = CliHarness.Run("train", "--out", run, "--resume", "--steps", "3", "--device", "cpu", "--no-segmenter");
        Assert.True(resumed.ExitCode == 0, resumed.Error + resumed.Out);
        Assert.Contains("background critic:", resumed.Out);
    }

    [Fact]
    public void TheBackgroundCriticNeedsBoxesAndBackgroundOutsideThem()
    {
        CliHarness.AssertOneLineError(CliHarness.Run("train", "--data", "synthetic", "--model", "prior", "--bg-adversary", "1", "--out", Path.Combine(_root, "a")),
            "--bg-adversary needs --boxes");
        CliHarness.AssertOneLineError(CliHarness.Run("train", "--data", "synthetic", "--bg-adversary", "1", "--out", Path.Combine(_root, "b")),
            "--bg-adversary applies to the independence prior only");
        string data = Path.Combine(_root, "filled");
        Directory.CreateDirectory(Path.Combine(data, "images"));
        ImageIo.SavePng(Path.Combine(data, "images", "a.png"), new HostImage(3, 40, 40));
        File.WriteAllText(Path.Combine(data, "boxes.csv"), "stem,x,y,w,h\na,0,0,40,40\n");
        CliHarness.AssertOneLineError(CliHarness.Run("train", "--data", data, "--boxes", "--out", Path.Combine(_root, "c"),
            "--device", "cpu", "--size", "32", "--batch", "4", "--steps", "1"), "no scene has a box-free window");
        // The way out the error names: without the critic (and its full background), the same data trains.
        string off = Path.Combine(_root, "d");
        var r = CliHarness.Run("train", "--data", data, "--boxes", "--out", off, "--device", "cpu", "--size", "32", "--batch", "4",
            "--steps", "1", "--no-segmenter", "--bg-adversary", "0", "--bg-detail", "0");
        Assert.True(r.ExitCode == 0, r.Error + r.Out);
        Assert.DoesNotContain("background critic:", r.Out);
        Assert.Contains("\"BackgroundAdversaryWeight\": 0", File.ReadAllText(Path.Combine(off, "config.json")));
    }

    [Fact]
    public void BoxTrainingRunsTheIndependencePriorAndSegmentsWithPasteBack()
    {
        // A folder with boxes: train a tiny prior model on the box crops, then segment with the same boxes.
        string data = Path.Combine(_root, "boxdata");
        Directory.CreateDirectory(Path.Combine(data, "images"));
        var scenes = SyntheticDataset.BoxScenes(32, DataSplit.Test, seed: 1, sceneSize: 64);
        var lines = new List<string> { "stem,x,y,w,h" };
        for (int i = 0; i < 3; i++)
        {
            ImageIo.SavePng(Path.Combine(data, "images", $"s{i}.png"), scenes.SceneImage(i));
            Directory.CreateDirectory(Path.Combine(data, "masks"));
            ImageIo.SavePng(Path.Combine(data, "masks", $"s{i}.png"), scenes.SceneMask(i)!);
            var b = scenes.SceneBoxes(i)[0];
            lines.Add(FormattableString.Invariant($"s{i},{b.X},{b.Y},{b.Width},{b.Height}"));
        }
        File.WriteAllLines(Path.Combine(data, "boxes.csv"), lines);
        string run = Path.Combine(_root, "boxrun");
        var r = CliHarness.Run("train", "--data", data, "--boxes", "--out", run, "--device", "cpu", "--size", "32", "--batch", "4",
            "--steps", "2", "--seg-steps", "2", "--seg-pairs", "20", "--sample-every", "1", "--checkpoint-every", "1", "--self-train", "off");
        Assert.True(r.ExitCode == 0, r.Error + r.Out);
        Assert.Contains("\"Model\": \"prior\"", File.ReadAllText(Path.Combine(run, "config.json")));
        string masks = Path.Combine(_root, "masks");
        var s = CliHarness.Run("segment", "--run", run, "--images", Path.Combine(data, "images"), "--boxes", Path.Combine(data, "boxes.csv"), "--out", masks, "--device", "cpu");
        Assert.True(s.ExitCode == 0, s.Error + s.Out);
        for (int i = 0; i < 3; i++)
        {
            var mask = ImageIo.LoadMask(Path.Combine(masks, $"s{i}.png"));
            Assert.Equal((64, 64), (mask.Width, mask.Height));
            // Zero outside the box (its object lies inside it), not only outside the crop around it.
            var b = scenes.SceneBoxes(i)[0];
            for (int y = 0; y < 64; y++)
                for (int x = 0; x < 64; x++)
                    if (x < Math.Floor(b.X) || y < Math.Floor(b.Y) || x >= Math.Ceiling(b.X + b.Width) || y >= Math.Ceiling(b.Y + b.Height))
                        Assert.Equal(0f, mask[0, y, x]);
        }
        // --refine: each box's mask refined on the scene, with the box as a bound (nothing outside it).
        string refinedMasks = Path.Combine(_root, "refined");
        s = CliHarness.Run("segment", "--run", run, "--images", Path.Combine(data, "images"), "--boxes", Path.Combine(data, "boxes.csv"), "--out", refinedMasks, "--refine", "--device", "cpu");
        Assert.True(s.ExitCode == 0, s.Error + s.Out);
        for (int i = 0; i < 3; i++)
        {
            var mask = ImageIo.LoadMask(Path.Combine(refinedMasks, $"s{i}.png"));
            var b = scenes.SceneBoxes(i)[0];
            for (int y = 0; y < 64; y++)
                for (int x = 0; x < 64; x++)
                    if (x < Math.Floor(b.X) - 1 || y < Math.Floor(b.Y) - 1 || x > b.X + b.Width + 1 || y > b.Y + b.Height + 1)
                        Assert.Equal(0f, mask[0, y, x]);
        }
        // eval on a box-level run scores per full image (the run says it was trained on boxes), with both baselines.
        var e = CliHarness.Run("eval", "--run", run, "--data", data, "--device", "cpu");
        Assert.True(e.ExitCode == 0, e.Error + e.Out);
        Assert.Contains("per full image (3 images, 3 boxes", e.Out);
        // Progress lines come before the table they lead to (Progress<T> could post them after it).
        Assert.InRange(e.Out.IndexOf("3/3 boxes", StringComparison.Ordinal), 0, e.Out.IndexOf("per full image (", StringComparison.Ordinal));
        Assert.Contains("GrabCut from the box", e.Out);
        Assert.Contains("refined (box as bound)", e.Out);
        Assert.Contains("\"refined_iou\"", File.ReadAllText(Path.Combine(run, "eval.json")));
        // --resume continues a prior run (not ILSGAN's) from its checkpoint.
        var resumed = CliHarness.Run("train", "--out", run, "--resume", "--steps", "3", "--device", "cpu", "--no-segmenter");
        Assert.True(resumed.ExitCode == 0, resumed.Error + resumed.Out);
        Assert.Contains("resumed from", resumed.Out);
    }

    [Fact]
    public void OptionsThatWouldBeIgnoredAreRefused()
    {
        CliHarness.AssertOneLineError(CliHarness.Run("train", "--data", "synthetic-boxes", "--boxes", "--centre-prior", "2", "--out", Path.Combine(_root, "p")),
            "--centre-prior applies to --model ilsgan only");
        CliHarness.AssertOneLineError(CliHarness.Run("train", "--data", "synthetic-boxes", "--boxes", "--seg-zoom", "2", "--out", Path.Combine(_root, "p")),
            "--seg-zoom applies to --model ilsgan only");
        CliHarness.AssertOneLineError(CliHarness.Run("train", "--instances", "3", "--out", Path.Combine(_root, "i")),
            "--instances applies to the independence prior only");
        CliHarness.AssertOneLineError(CliHarness.Run("train", "--resume", "--lr", "0.1", "--out", Path.Combine(_root, "r")),
            "--lr cannot change on --resume", "config.json");
        CliHarness.AssertOneLineError(CliHarness.Run("hoc", "--resume", "--instances", "2", "--out", Path.Combine(_root, "h")),
            "--instances cannot change on --resume");
        Assert.False(Directory.Exists(Path.Combine(_root, "p")));
        Assert.False(Directory.Exists(Path.Combine(_root, "i")));
    }
}
