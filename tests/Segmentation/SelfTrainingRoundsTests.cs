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

    [Fact]
    public void LaterRoundsLabelWithThePreviousRoundsSegmenterAndKeepTheGeneratedPairsOne()
    {
        var dir = new RunDirectory(_run.Run);
        byte[] generatedPairs = File.ReadAllBytes(dir.Segmenter);
        var log = new StringWriter();
        var config = new SegmenterConfig { Steps = 2, Batch = 4, Width = 4, ValidateEvery = 500 };

        var result = new SelfTrainingStage(dir, Device.Cpu, log).RunRounds(2, WriteFolder(), config, seed: 1, minutes: 10);

        string text = log.ToString();
        Assert.Contains("self-training: round 1 of 2, 5.0 min", text);
        Assert.Contains("self-training: round 2 of 2", text);
        int first = text.IndexOf("with the generated-pairs U-Net", StringComparison.Ordinal);
        int second = text.IndexOf("with the current U-Net", StringComparison.Ordinal);
        Assert.True(first >= 0 && second > first, text);
        Assert.Equal(generatedPairs, File.ReadAllBytes(dir.GeneratedPairsSegmenter));
        Assert.NotEqual(generatedPairs, File.ReadAllBytes(dir.Segmenter));
        Assert.Equal(6, result.Labelled);
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
        var config = new SegmenterConfig { Steps = 2, Batch = 4, Width = 4, ValidateEvery = 500 };
        string data = WriteFolder();
        new SelfTrainingStage(dir, Device.Cpu, log).RunRounds(1, data, config, seed: 1, minutes: null);
        Assert.DoesNotContain("round", log.ToString().Replace("self-training round", ""));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SelfTrainingStage(dir, Device.Cpu, log).RunRounds(0, data, config, seed: 1, minutes: null));
        Assert.Equal("", SelfTrainingStage.LaterRounds(1));
        Assert.Contains("once more", SelfTrainingStage.LaterRounds(2));
    }

    private static readonly SegmenterConfig TinyConfig = new() { Steps = 2, Batch = 4, Width = 4, ValidateEvery = 500 };

    /// <summary>Up to three rounds while time allows, on the tiny run's folder; what the stage logged.</summary>
    private (SelfTrainingStage.Result Result, string Log, RunDirectory Dir) RunAuto(double? minutes)
    {
        var dir = new RunDirectory(_run.Run);
        var log = new StringWriter();
        var result = new SelfTrainingStage(dir, Device.Cpu, log).RunRounds(3, WriteFolder(), TinyConfig, seed: 1, minutes: minutes, whileTimeAllows: true);
        return (result, log.ToString(), dir);
    }

    [Fact]
    public void AutoRunsFurtherRoundsWhileTheBudgetHoldsThemUpToTheCap()
    {
        var (result, text, dir) = RunAuto(minutes: 10);
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
        var (result, text, dir) = RunAuto(minutes: 1e-6);
        Assert.Contains("less than 3/4 of what round 1 took", text);
        Assert.Contains("no round 2", text);
        Assert.DoesNotContain("with the current U-Net", text);
        Assert.Equal(1, result.Rounds);
        Assert.True(File.Exists(dir.SelfTrainingMetrics));
        Assert.False(File.Exists(dir.SelfTrainingRoundMetrics(1)));
    }

    [Fact]
    public void AutoWithoutABudgetRunsOneRound()
    {
        var (result, text, dir) = RunAuto(minutes: null);
        Assert.Equal(1, result.Rounds);
        Assert.DoesNotContain("round", text.Replace("self-training round", ""));
        Assert.True(File.Exists(dir.SelfTrainingMetrics));
        Assert.False(File.Exists(dir.SelfTrainingRoundMetrics(1)));
    }
}
