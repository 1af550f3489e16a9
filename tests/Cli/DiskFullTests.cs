using KernelGan.Gan.Data;
using KernelGan.Gan.Training;
using Xunit;

namespace KernelGan.Tests.Cli;

/// <summary>
/// A disk that fills up while a checkpoint is written. The checkpoint's temp file is
/// ".checkpoint.kgc.PID.tmp" in the run; planting a symlink there to /dev/full (Linux's device
/// whose every write fails with ENOSPC, "No space left on device") makes the real write fail the
/// way a full disk does, with no quota or small file system needed (and it works as root, where a
/// read-only directory would not stop the write).
/// </summary>
[Collection("cli")]
public class DiskFullTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kg-full-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void AFailedCheckpointWriteKeepsThePreviousOneAndSaysSoInOneLine()
    {
        Assert.True(File.Exists("/dev/full"), "this test needs Linux's /dev/full");
        string data = Path.Combine(_root, "data");
        Directory.CreateDirectory(Path.Combine(data, "images"));
        var scenes = SyntheticDataset.ObjectCentric(32, DataSplit.Test, seed: 3);
        for (int i = 0; i < 4; i++) ImageIo.SavePng(Path.Combine(data, "images", $"s{i}.png"), scenes.Image(i));
        string run = Path.Combine(_root, "run");
        var first = CliHarness.Run("train", "--data", data, "--out", run, "--device", "cpu", "--arch", "small", "--size", "32", "--batch", "4",
            "--steps", "2", "--checkpoint-every", "1", "--sample-every", "100", "--no-segmenter");
        Assert.True(first.ExitCode == 0, first.Error + first.Out);
        string checkpoint = Path.Combine(run, "checkpoint.kgc");
        var before = File.ReadAllBytes(checkpoint);

        // The tests run the CLI in this process, so the temp file carries this process's id.
        string temp = Path.Combine(run, $".checkpoint.kgc.{Environment.ProcessId}.tmp");
        File.CreateSymbolicLink(temp, "/dev/full");
        var full = CliHarness.Run("train", "--out", run, "--resume", "--steps", "4", "--device", "cpu", "--no-segmenter");
        CliHarness.AssertOneLineError(full, "checkpoint.kgc", "cannot write the checkpoint", "No space left on device", "the previous checkpoint is kept");

        Assert.Equal(before, File.ReadAllBytes(checkpoint));
        Assert.Equal(2, Checkpoint.Load(checkpoint).Metadata["step"]!.GetValue<long>());
        Assert.False(File.Exists(temp) || new FileInfo(temp).LinkTarget is not null, "the failed write's temp file (here the link) is removed");
        Assert.True(File.Exists("/dev/full"));

        // With space again, the run resumes from the kept checkpoint.
        var again = CliHarness.Run("train", "--out", run, "--resume", "--steps", "4", "--device", "cpu", "--no-segmenter");
        Assert.True(again.ExitCode == 0, again.Error + again.Out);
        Assert.Contains("at step 2", again.Out);
        Assert.Equal(4, Checkpoint.Load(checkpoint).Metadata["step"]!.GetValue<long>());
    }
}
