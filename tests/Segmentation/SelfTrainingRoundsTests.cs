using KernelGan.Gan.Data;
using KernelGan.Gan.Segmentation;
using KernelGan.Gan.Training;
using Xunit;

namespace KernelGan.Tests.Segmentation;

/// <summary>
/// Several self-training rounds: the first labels with the generated-pairs U-Net, each later one
/// with the U-Net the round before trained; the generated-pairs U-Net is kept untouched and the
/// budget is split over the rounds.
/// </summary>
public class SelfTrainingRoundsTests : IDisposable
{
    private readonly TinySegmenterRun _run = new();

    public void Dispose() => _run.Dispose();

    private string WriteFolder()
    {
        string data = Path.Combine(_run.Root, "data");
        for (int i = 0; i < 6; i++)
        {
            var img = new HostImage(3, 32, 32);
            for (int y = 8; y < 24; y++) for (int x = 8 + i; x < 20 + i; x++) img[0, y, x] = 1;
            ImageIo.SavePng(Path.Combine(data, "images", $"im{i}.png"), img);
        }
        return data;
    }

    private static readonly SegmenterConfig TinyConfig = new() { Steps = 2, Batch = 4, Width = 4, ValidateEvery = 500 };

    /// <summary>The stage's rounds on the tiny run's folder: their result, what the stage logged, and the run.</summary>
    private (SelfTrainingStage.Result Result, string Log, RunDirectory Dir) RunStage(int rounds, double? minutes, bool whileTimeAllows = false)
    {
        var dir = new RunDirectory(_run.Run);
        var log = new StringWriter();
        var result = new SelfTrainingStage(dir, Device.Cpu, log).RunRounds(rounds, WriteFolder(), TinyConfig, seed: 1, minutes: minutes, whileTimeAllows: whileTimeAllows);
        return (result, log.ToString(), dir);
    }

    [Fact]
    public void LaterRoundsLabelWithThePreviousRoundsSegmenterAndKeepTheGeneratedPairsOne()
    {
        byte[] generatedPairs = File.ReadAllBytes(new RunDirectory(_run.Run).Segmenter);

        var (result, text, dir) = RunStage(2, minutes: 10);

        Assert.Contains("self-training: round 1 of 2, 5.0 min", text);
        Assert.Contains("self-training: round 2 of 2", text);
        int first = text.IndexOf("with the generated-pairs U-Net", StringComparison.Ordinal);
        int second = text.IndexOf("with the current U-Net", StringComparison.Ordinal);
        Assert.True(first >= 0 && second > first, text);
        Assert.Equal(generatedPairs, File.ReadAllBytes(dir.GeneratedPairsSegmenter));
        Assert.NotEqual(generatedPairs, File.ReadAllBytes(dir.Segmenter));
        Assert.Equal(6, result.Labelled);
        Assert.Equal(2, result.Rounds);
        // Each round keeps its metrics: the last in selftrain.csv, earlier ones beside it.
        Assert.True(File.Exists(dir.SelfTrainingRoundMetrics(1)));
        Assert.True(File.Exists(dir.SelfTrainingMetrics));
        Assert.False(File.Exists(dir.SelfTrainingRoundMetrics(2)));
    }

    [Fact]
    public void OneRoundSaysNothingAboutRoundsAndZeroRoundsAreRefused()
    {
        var dir = new RunDirectory(_run.Run);
        var log = new StringWriter();
        string data = WriteFolder();
        new SelfTrainingStage(dir, Device.Cpu, log).RunRounds(1, data, TinyConfig, seed: 1, minutes: null);
        Assert.DoesNotContain("round", log.ToString().Replace("self-training round", ""));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SelfTrainingStage(dir, Device.Cpu, log).RunRounds(0, data, TinyConfig, seed: 1, minutes: null));
        Assert.Equal("", SelfTrainingStage.LaterRounds(1));
        Assert.Contains("once more", SelfTrainingStage.LaterRounds(2));
    }

    [Fact]
    public void AutoRunsFurtherRoundsWhileTheBudgetHoldsThemUpToTheCap()
    {
        var (result, text, dir) = RunStage(3, whileTimeAllows: true, minutes: 10);
        Assert.Contains("self-training: round 1 of at most 3, while time allows, 10.0 min", text);
        Assert.Contains("self-training: round 3 of at most 3", text);
        Assert.DoesNotContain("round 4", text);
        Assert.Equal(3, result.Rounds);
        Assert.True(File.Exists(dir.SelfTrainingRoundMetrics(2)));
        Assert.True(File.Exists(dir.SelfTrainingMetrics));
        Assert.False(File.Exists(dir.SelfTrainingRoundMetrics(3)));
    }

    [Fact]
    public void AutoStopsWhenTheTimeLeftIsShortAndKeepsTheRoundsMetricsAsTheLast()
    {
        // A budget used up before the first round ends: that round still runs (its minimum), no second.
        var (result, text, dir) = RunStage(3, whileTimeAllows: true, minutes: 1e-6);
        Assert.Contains("less than 75% of what round 1 took", text);
        Assert.Contains("no round 2", text);
        Assert.DoesNotContain("with the current U-Net", text);
        Assert.Equal(1, result.Rounds);
        Assert.True(File.Exists(dir.SelfTrainingMetrics));
        Assert.False(File.Exists(dir.SelfTrainingRoundMetrics(1)));
    }

    [Fact]
    public void AutoWithoutABudgetRunsOneRound()
    {
        var (result, text, dir) = RunStage(3, whileTimeAllows: true, minutes: null);
        Assert.Equal(1, result.Rounds);
        Assert.DoesNotContain("round", text.Replace("self-training round", ""));
        Assert.True(File.Exists(dir.SelfTrainingMetrics));
        Assert.False(File.Exists(dir.SelfTrainingRoundMetrics(1)));
    }
}
