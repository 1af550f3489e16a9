using KernelGan.Gan.Data;
using Xunit;

namespace KernelGan.Tests.Cli;

/// <summary>Bad input gives one line that says what and where, a non-zero exit, and no stack trace.</summary>
[Collection("cli")]
public class CliErrorTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kg-cli-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Folder(string name, Action<string> fill)
    {
        string dir = Path.Combine(_root, name);
        Directory.CreateDirectory(Path.Combine(dir, "images"));
        fill(dir);
        return dir;
    }

    private static void WriteImage(string path, int size, float value = 0.5f)
    {
        var img = new HostImage(3, size, size);
        Array.Fill(img.Data, value);
        ImageIo.SavePng(path, img);
    }

    private static string[] TinyTrain(string data, string run) =>
        ["train", "--data", data, "--out", run, "--device", "cpu", "--arch", "small", "--size", "32", "--batch", "4",
         "--steps", "2", "--seg-steps", "2", "--seg-pairs", "20", "--sample-every", "1", "--checkpoint-every", "1"];

    [Fact]
    public void EmptyImageFolder()
    {
        string data = Folder("empty", _ => { });
        CliHarness.AssertOneLineError(CliHarness.Run(TinyTrain(data, Path.Combine(_root, "run"))), "empty");
    }

    [Fact]
    public void SelfTrainRoundsWithoutSelfTraining()
    {
        // The built-in sets get no self-training round (auto), so rounds would be silently ignored.
        CliHarness.AssertOneLineError(CliHarness.Run([.. TinyTrain("synthetic", Path.Combine(_root, "run")), "--self-train-rounds", "2"]), "--self-train-rounds");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("often")]
    public void SelfTrainRoundsNeitherACountNorAuto(string rounds)
    {
        string data = Folder("rounds" + rounds, d => WriteImage(Path.Combine(d, "images", "a.png"), 40));
        CliHarness.AssertOneLineError(CliHarness.Run([.. TinyTrain(data, Path.Combine(_root, "run" + rounds)), "--self-train-rounds", rounds]), "auto or a whole number");
    }

    [Fact]
    public void CorruptImage()
    {
        string data = Folder("corrupt", d =>
        {
            WriteImage(Path.Combine(d, "images", "good.png"), 40);
            var bytes = ImageIo.EncodePng(new HostImage(3, 40, 40));
            File.WriteAllBytes(Path.Combine(d, "images", "broken.png"), bytes[..(bytes.Length / 2)]);
        });
        CliHarness.AssertOneLineError(CliHarness.Run(TinyTrain(data, Path.Combine(_root, "run"))), "broken.png");
    }

    [Fact]
    public void NonImageFile()
    {
        string data = Folder("text", d => File.WriteAllText(Path.Combine(d, "images", "notes.png"), "this is not an image"));
        CliHarness.AssertOneLineError(CliHarness.Run(TinyTrain(data, Path.Combine(_root, "run"))), "notes.png");
    }

    [Fact]
    public void SegmentWithoutARunOrSegmenter()
    {
        // `segment` loads through the library's Segmenter: its exceptions must still print one line.
        string data = Folder("seg", d => WriteImage(Path.Combine(d, "images", "a.png"), 40));
        string images = Path.Combine(data, "images"), masks = Path.Combine(_root, "seg-masks");
        CliHarness.AssertOneLineError(CliHarness.Run("segment", "--run", Path.Combine(_root, "nope"), "--images", images, "--out", masks, "--device", "cpu"), "nope", "no such run directory");
        string empty = Directory.CreateDirectory(Path.Combine(_root, "no-seg-run")).FullName;
        CliHarness.AssertOneLineError(CliHarness.Run("segment", "--run", empty, "--images", images, "--out", masks, "--device", "cpu"), "segmenter.kgc", "did training finish");
    }

    [Fact]
    public void MissingDataset() =>
        CliHarness.AssertOneLineError(CliHarness.Run(TinyTrain(Path.Combine(_root, "nope"), Path.Combine(_root, "run"))), "nope");

    [Fact]
    public void BadOptions()
    {
        var unknown = CliHarness.Run("train", "--stpes", "3");
        CliHarness.AssertOneLineError(unknown, "unknown option --stpes");
        Assert.Equal(2, unknown.ExitCode);
        CliHarness.AssertOneLineError(CliHarness.Run("train", "--steps", "many"), "--steps expects a whole number, got 'many'");
        CliHarness.AssertOneLineError(CliHarness.Run("train", "--size", "48", "--out", Path.Combine(_root, "r")), "--size must be 32, 64 or 128");
        CliHarness.AssertOneLineError(CliHarness.Run("train", "--seg-zoom", "0.5", "--out", Path.Combine(_root, "r")), "--seg-zoom must be between 1 and 4, got 0.5");
        CliHarness.AssertOneLineError(CliHarness.Run("frobnicate"), "unknown command 'frobnicate'");
        CliHarness.AssertOneLineError(CliHarness.Run("train", "--device", "tpu", "--out", Path.Combine(_root, "r")), "unknown device 'tpu'");
    }

    [Fact]
    public void TensorCorePrecisionOnTheCpuIsAnErrorNotAnFp32Run()
    {
        CliHarness.AssertOneLineError(CliHarness.Run("train", "--device", "cpu", "--precision", "tf32", "--out", Path.Combine(_root, "p")),
            "device 'cpu' computes GEMMs in fp32 only", "--device cuda");
        CliHarness.AssertOneLineError(CliHarness.Run("train", "--precision", "fp8", "--out", Path.Combine(_root, "p")), "unknown precision 'fp8'");
    }

    [Fact]
    public void MissingGpuIsAnErrorNotAFallback() =>
        CliHarness.AssertOneLineError(CliHarness.Run("bench", "gemm", "--device", "cuda", "--n", "8"), "cuda");

    [Fact]
    public void RunsThatExistAreNotOverwritten()
    {
        string run = Path.Combine(_root, "kept");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "config.json"), "{}");
        CliHarness.AssertOneLineError(CliHarness.Run(TinyTrain("synthetic", run)), "already holds a run", "--resume");
        Assert.Equal("{}", File.ReadAllText(Path.Combine(run, "config.json")));
    }

    [Fact]
    public void TrainedRunThenBrokenInputsForEvalSegmentAndResume()
    {
        string run = Path.Combine(_root, "run");
        var trained = CliHarness.Run(TinyTrain("synthetic", run));
        Assert.True(trained.ExitCode == 0, trained.Error + trained.Out);
        Assert.Matches(@"iou=\d\.\d{3} dice=\d\.\d{3} n=500\s*$", trained.Out);
        Assert.True(File.Exists(Path.Combine(run, "report.html")));

        // A mask whose size differs from its image.
        string wrongMask = Folder("wrongmask", d =>
        {
            Directory.CreateDirectory(Path.Combine(d, "masks"));
            WriteImage(Path.Combine(d, "images", "a.png"), 40);
            ImageIo.SavePng(Path.Combine(d, "masks", "a.png"), new HostImage(1, 20, 20));
        });
        CliHarness.AssertOneLineError(CliHarness.Run("eval", "--run", run, "--data", wrongMask, "--device", "cpu"), "a.png");

        // Folder without masks cannot be evaluated.
        string noMasks = Folder("nomasks", d => WriteImage(Path.Combine(d, "images", "a.png"), 40));
        CliHarness.AssertOneLineError(CliHarness.Run("eval", "--run", run, "--data", noMasks, "--device", "cpu"), "masks");

        // Segment writes one mask per image at the image's size.
        string masksOut = Path.Combine(_root, "masks-out");
        string odd = Folder("odd", d => { WriteImage(Path.Combine(d, "images", "x.png"), 50); WriteImage(Path.Combine(d, "images", "y.jpg.png"), 33); });
        var seg = CliHarness.Run("segment", "--run", run, "--images", Path.Combine(odd, "images"), "--out", masksOut, "--device", "cpu");
        Assert.True(seg.ExitCode == 0, seg.Error);
        Assert.Equal((50, 50), ImageIo.ReadSize(Path.Combine(masksOut, "x.png")));
        Assert.Equal((33, 33), ImageIo.ReadSize(Path.Combine(masksOut, "y.jpg.png")));

        // Truncated checkpoints: resume and eval both refuse with one line, naming the file.
        string ckpt = Path.Combine(run, "checkpoint.kgc"), segmenter = Path.Combine(run, "segmenter.kgc");
        File.WriteAllBytes(ckpt, File.ReadAllBytes(ckpt)[..100]);
        CliHarness.AssertOneLineError(CliHarness.Run("train", "--resume", "--out", run, "--device", "cpu"), "checkpoint.kgc", "truncated");
        File.WriteAllBytes(segmenter, File.ReadAllBytes(segmenter)[..1000]);
        CliHarness.AssertOneLineError(CliHarness.Run("eval", "--run", run, "--data", "synthetic", "--device", "cpu"), "segmenter.kgc", "truncated");
    }
}
