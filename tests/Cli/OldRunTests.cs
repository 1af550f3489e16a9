using System.Text.Json.Nodes;
using KernelGan.Gan.Training;
using KernelGan.Tests.Training;
using Xunit;

namespace KernelGan.Tests.Cli;

/// <summary>
/// Runs made before config.json had a version still resume and open: a run trained with the
/// options that wrote each old config.json (tests/Training/OldConfigs) is given that file, as
/// config.json and inside its checkpoint, as the old code saved them both.
/// </summary>
[Collection("cli")]
public class OldRunTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kg-oldrun-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>Trains a one-step run, then puts the old config.json in place of the new one, in the directory and the checkpoint.</summary>
    private string OldRun(string name, string oldConfig, params string[] options)
    {
        string run = Path.Combine(_root, name);
        var r = CliHarness.Run(["train", "--out", run, "--device", "cpu", "--no-segmenter", .. options]);
        Assert.True(r.ExitCode == 0, r.Error + r.Out);
        string json = File.ReadAllText(oldConfig);
        File.WriteAllText(Path.Combine(run, "config.json"), json);
        string checkpoint = Path.Combine(run, "checkpoint.kgc");
        var ckpt = Checkpoint.Load(checkpoint);
        var meta = (JsonObject)ckpt.Metadata.DeepClone();
        meta["config"] = JsonNode.Parse(json);
        Checkpoint.Save(checkpoint, meta, ckpt.Tensors.Select(t => (t.Key, Tensor.FromArray(t.Value.Data, t.Value.Shape))).ToList());
        return run;
    }

    private static long StepOf(string run) => Checkpoint.Load(Path.Combine(run, "checkpoint.kgc")).Metadata["step"]!.GetValue<long>();

    [Fact]
    public void AnOldIlsganRunGeneratesAndResumes()
    {
        string run = OldRun("ilsgan", OldConfigs.IlsganVersion1, "--data", "synthetic", "--size", "32", "--batch", "4", "--steps", "1", "--seed", "7",
            "--centre-prior-final", "0.5", "--augment", "diff", "--sigma-switch", "0.25", "--seg-zoom", "1.25");
        var g = CliHarness.Run("generate", "--run", run, "--n", "4", "--out", Path.Combine(_root, "generated"), "--device", "cpu");
        Assert.True(g.ExitCode == 0, g.Error + g.Out);
        var r = CliHarness.Run("train", "--out", run, "--resume", "--steps", "2", "--device", "cpu", "--no-segmenter");
        Assert.True(r.ExitCode == 0, r.Error + r.Out);
        Assert.Equal(2, StepOf(run));
    }

    [Fact]
    public void AnOldPriorRunIsKnownAsOneAndResumes()
    {
        string run = OldRun("prior", OldConfigs.PriorVersion1, "--model", "prior", "--data", "synthetic-boxes", "--boxes", "--size", "32", "--batch", "4",
            "--steps", "1", "--seed", "5", "--instances", "2", "--lr", "0.0003");
        var e = CliHarness.Run("export", "--run", run, "--model", "generator", "--out", Path.Combine(_root, "g.onnx"), "--device", "cpu");
        Assert.Contains("is an independence-prior run", e.Error);
        var r = CliHarness.Run("train", "--out", run, "--resume", "--steps", "2", "--device", "cpu", "--no-segmenter");
        Assert.True(r.ExitCode == 0, r.Error + r.Out);
        Assert.Contains("independence prior", r.Out);
        Assert.Equal(2, StepOf(run));
    }
}
