using System.Diagnostics;
using KernelGan.Gan.Data;
using KernelGan.Gan.Training;
using Xunit;
using Xunit.Abstractions;

namespace KernelGan.Tests.Cli;

/// <summary>
/// Runs broken the way a user breaks them: `train` and `hoc` are started as child processes and
/// killed with SIGKILL at random points (some while a step runs, some as soon as a checkpoint's temp
/// file appears, i.e. during its write), then resumed with --resume. After every kill each .kgc
/// in the run loads, the checkpoint is at least as new as the last one seen complete, and at most
/// one checkpoint interval of steps is lost; after the last resume the run finishes with each
/// step in metrics.csv exactly once and no temp file left.
/// </summary>
public class CrashResumeTests(ITestOutputHelper output) : IDisposable
{
    private const int Interval = 3; // --checkpoint-every
    private const int Kills = 4; // after the early one: five kills in all
    private readonly string _root = Directory.CreateTempSubdirectory("kg-crash-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void TrainSurvivesSigkillsAndResumes()
    {
        string data = Path.Combine(_root, "data");
        Directory.CreateDirectory(Path.Combine(data, "images"));
        var scenes = SyntheticDataset.ObjectCentric(32, DataSplit.Test, seed: 3);
        for (int i = 0; i < 4; i++) ImageIo.SavePng(Path.Combine(data, "images", $"s{i}.png"), scenes.Image(i));
        string run = Path.Combine(_root, "train");
        string[] common = ["--out", run, "--device", "cpu"];
        KillAndResume(run,
            fresh: ["train", "--data", data, .. common, "--arch", "small", "--size", "32", "--batch", "4", "--steps", "100000",
                    "--checkpoint-every", $"{Interval}", "--sample-every", "2", "--no-segmenter"],
            resume: steps => ["train", .. common, "--resume", "--steps", $"{steps}", "--no-segmenter"]);
    }

    [Fact]
    public void HocSurvivesSigkillsAndResumes()
    {
        string image = Path.Combine(_root, "cluster.png");
        ImageIo.SavePng(image, ImageOps.Resize(SyntheticDataset.Hoc(16, seed: 5, sceneSize: 128).Image, 48, 64));
        string run = Path.Combine(_root, "hoc");
        string[] common = ["--out", run, "--device", "cpu"];
        KillAndResume(run,
            fresh: ["hoc", "--image", image, .. common, "--crop", "16", "--work-size", "64", "--instances", "2", "--batch", "4",
                    "--steps", "100000", "--minutes", "30", "--seg-steps", "2", "--seg-pairs", "20", "--checkpoint-every", $"{Interval}", "--sample-every", "2"],
            resume: steps => ["hoc", .. common, "--resume", "--steps", $"{steps}"]);
    }

    private void KillAndResume(string run, string[] fresh, Func<long, string[]> resume)
    {
        int seed = Random.Shared.Next();
        var random = new Random(seed);
        output.WriteLine($"random kill points from seed {seed}");
        string checkpoint = Path.Combine(run, "checkpoint.kgc");
        long resumedFrom = 0;
        int midWrite = 0;
        // The first kill comes as soon as the run has its config.json, before any checkpoint: the
        // run must then neither refuse --resume (no checkpoint) nor a fresh start (a run is there).
        using (var early = new ChildProcess(fresh))
        {
            var clock = Stopwatch.StartNew();
            while (!File.Exists(Path.Combine(run, "config.json")) && !early.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(1);
            early.Kill();
            Assert.True(File.Exists(Path.Combine(run, "config.json")), $"the run wrote no config.json:\n{early.Out}\n{early.Error}");
            if (File.Exists(checkpoint)) resumedFrom = StepOf(checkpoint);
            output.WriteLine($"early kill: {(File.Exists(checkpoint) ? $"checkpoint at step {resumedFrom}" : "no checkpoint yet")}");
        }
        for (int kill = 0; kill < Kills; kill++)
        {
            bool hadCheckpoint = File.Exists(checkpoint);
            using var child = new ChildProcess(resume(100000));
            long seen = WaitForCheckpointAfter(child, checkpoint, resumedFrom);
            string resumedLine = hadCheckpoint ? $"resumed from {checkpoint} at step {resumedFrom}" : "starting from step 0";
            Assert.True(child.WaitForOutput(resumedLine, TimeSpan.FromSeconds(30)), $"expected '{resumedLine}' (seed {seed}), got:\n{child.Out}");
            // Half the kills land at a random moment of training, half as soon as a checkpoint write has begun.
            bool aimAtWrite = kill % 2 == 1;
            if (aimAtWrite) midWrite += WaitForTempFile(run, child, TimeSpan.FromSeconds(10)) ? 1 : 0;
            else Thread.Sleep(random.Next(0, 200));
            child.Kill();

            var temps = Directory.GetFiles(run, ".*.tmp");
            foreach (var kgc in Directory.GetFiles(run, "*.kgc")) Checkpoint.Load(kgc); // throws on a corrupt file
            long step = StepOf(checkpoint);
            long lastRow = LastWholeMetricsRow(Path.Combine(run, "metrics.csv"));
            output.WriteLine($"kill {kill}: {(aimAtWrite ? "at a checkpoint write" : "mid-training")}, checkpoint at step {step} (seen {seen}), metrics to step {lastRow}, {temps.Length} temp file(s) left");
            Assert.True(step >= seen, $"the checkpoint went back from step {seen} to {step} (seed {seed})");
            Assert.True(lastRow - step <= Interval, $"steps {step + 1}..{lastRow} were lost, more than one interval of {Interval} (seed {seed})");
            resumedFrom = step;
        }
        output.WriteLine($"{midWrite} of {Kills / 2} aimed kills found a checkpoint write under way");

        // The last resume runs to its end: it continues from the checkpoint, clears the killed writes' temp files, and finishes.
        long target = resumedFrom + 2 * Interval;
        using var last = new ChildProcess(resume(target));
        Assert.True(last.WaitForExit(TimeSpan.FromSeconds(60)), "the final resume did not finish within a minute");
        Assert.True(last.ExitCode == 0, last.Error + last.Out);
        Assert.Contains($"resumed from {checkpoint} at step {resumedFrom}", last.Out);
        Assert.Equal(target, StepOf(checkpoint));
        Assert.Empty(Directory.GetFiles(run, "*.tmp", SearchOption.AllDirectories));
        var steps = File.ReadAllLines(Path.Combine(run, "metrics.csv")).Skip(1).Select(l => long.Parse(l.Split(',')[0])).ToList();
        Assert.Equal(Enumerable.Range(1, (int)target).Select(s => (long)s), steps);
    }

    private static long StepOf(string checkpoint) => Checkpoint.Load(checkpoint).Metadata["step"]!.GetValue<long>();

    /// <summary>Waits until the child has written a checkpoint beyond <paramref name="after"/>; returns its step.</summary>
    private static long WaitForCheckpointAfter(ChildProcess child, string checkpoint, long after)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            Assert.False(child.HasExited, $"the run exited early:\n{child.Out}\n{child.Error}");
            if (File.Exists(checkpoint) && StepOf(checkpoint) is var step && step > after) return step;
            Thread.Sleep(10);
        }
        throw new TimeoutException($"no checkpoint after step {after} within a minute:\n{child.Out}\n{child.Error}");
    }

    /// <summary>Polls for a checkpoint temp file (a write under way); false if none was seen in time.</summary>
    private static bool WaitForTempFile(string run, ChildProcess child, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout && !child.HasExited)
            if (Directory.EnumerateFiles(run, ".checkpoint.kgc.*.tmp").Any()) return true;
        return false;
    }

    /// <summary>The step of the last complete row (a kill may cut the last row short).</summary>
    private static long LastWholeMetricsRow(string path)
    {
        var lines = File.ReadAllLines(path);
        int columns = lines[0].Split(',').Length;
        return lines.Skip(1).Select(l => l.Split(',')).Where(f => f.Length == columns && long.TryParse(f[0], out _))
                    .Select(f => long.Parse(f[0])).DefaultIfEmpty(0).Max();
    }
}
