using Xunit;

namespace KernelGan.Tests.Cli;

/// <summary>
/// SIGTERM during the segmenter phase ends `train` there (exit 130, the segmenter's best snapshot
/// kept), rather than after masks and scoring that the user asked to skip by stopping it.
/// </summary>
public sealed class StopRequestTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kg-stop-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void SigtermDuringTheSegmenterStopsTheJobThere()
    {
        string run = Path.Combine(_root, "run");
        using var child = new ChildProcess("train", "--out", run, "--device", "cpu", "--steps", "2", "--batch", "4",
            "--seg-steps", "1000000", "--seg-pairs", "40", "--sample-every", "1", "--checkpoint-every", "1");
        Assert.True(child.WaitForOutput("segmenter step", TimeSpan.FromMinutes(3)), child.Out + child.Error);
        child.Terminate();
        Assert.True(child.WaitForExit(TimeSpan.FromMinutes(2)), "train did not stop within 2 minutes of SIGTERM:\n" + child.Out);
        Assert.Equal(130, child.ExitCode);
        Assert.True(File.Exists(Path.Combine(run, "segmenter.kgc")), "the segmenter's snapshot should be kept");
        Assert.False(File.Exists(Path.Combine(run, "eval.json")), "no scoring after a stop request");
        Assert.Contains("Stopped on request", File.ReadAllText(Path.Combine(run, "report.html")));
    }
}
