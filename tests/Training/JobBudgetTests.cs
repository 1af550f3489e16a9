using KernelGan.Gan.Data;
using KernelGan.Gan.Hoc;
using KernelGan.Gan.Prior;
using KernelGan.Gan.Segmentation;
using KernelGan.Gan.Training;
using KernelGan.Tests.Cli;
using Xunit;

namespace KernelGan.Tests.Training;

/// <summary>--minutes bounds the whole job: the split's arithmetic, the line that states it, and a segmenter that stops at its share.</summary>
[Collection("cli")]
public class JobBudgetTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kg-budget-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void DefaultSegmenterStepsGetTheirShareAndTheRestKeepsFivePercent()
    {
        var b = JobBudget.ForTrain(20, segmenterSteps: 1200, defaultSegmenterSteps: 1200, withSegmenter: true);
        Assert.Equal(15.5, b.GanUntil, 9);
        Assert.Equal(19.0, b.SegmenterUntil, 9);
        Assert.Equal("budget 20 min: GAN until 15:30, segmenter until 19:00 (3:30), masks/report the rest (1:00)", b.Describe());
    }

    [Fact]
    public void SeveralSelfTrainingRoundsAreNamedInTheLine()
    {
        var one = JobBudget.ForTrain(20, 1200, 1200, true, selfTraining: true);
        var two = JobBudget.ForTrain(20, 1200, 1200, true, selfTraining: true, selfTrainRounds: 2);
        Assert.Equal(one with { SelfTrainRounds = 2 }, two); // the same split; the rounds share it
        Assert.Contains("self-training until 19:00 (5:00), ", one.Describe());
        Assert.Contains("self-training until 19:00 (5:00, 2 rounds), ", two.Describe());
        var auto = JobBudget.ForTrain(20, 1200, 1200, true, selfTraining: true, selfTrainRounds: 3, selfTrainRoundsWhileTimeAllows: true);
        Assert.Contains("self-training until 19:00 (5:00, up to 3 rounds while time allows), ", auto.Describe());
    }

    [Fact]
    public void FewerSegmenterStepsLeaveMoreToTheGanAndMoreAreCappedAtTwiceTheShare()
    {
        var half = JobBudget.ForTrain(20, 600, 1200, true);
        Assert.Equal(20 * (1 - 0.05 - 0.175 / 2), half.GanUntil, 9);
        var many = JobBudget.ForTrain(20, 100000, 1200, true);
        Assert.Equal(20 * (1 - 0.05 - 0.35), many.GanUntil, 9);
        var none = JobBudget.ForTrain(20, 1200, 1200, withSegmenter: false);
        Assert.Equal(20, none.GanUntil, 9);
        Assert.Equal("budget 20 min: all of it for the GAN", none.Describe());
    }

    [Fact]
    public void SelfTrainingTakesItsShareFromTheGanAndIsStated()
    {
        var b = JobBudget.ForTrain(30, 1200, 1200, withSegmenter: true, selfTraining: true);
        Assert.Equal(30 * (1 - 0.05 - 0.175 - 0.25), b.GanUntil, 9);
        Assert.Equal(30 * (1 - 0.05 - 0.25), b.SegmenterUntil, 9);
        Assert.Equal(30 * 0.95, b.SelfTrainUntil!.Value, 9);
        Assert.Equal("budget 30 min: GAN until 15:45, segmenter until 21:00 (5:15), self-training until 28:30 (7:30), masks/report the rest (1:30)", b.Describe());
        // A segmenter that finished early leaves its time to the round; one that overran leaves the floor.
        Assert.Equal(10.5, b.SelfTrainMinutesLeft(TimeSpan.FromMinutes(18)), 9);
        Assert.Equal(JobBudget.MinSegmenterMinutes, b.SelfTrainMinutesLeft(TimeSpan.FromMinutes(29)), 9);
    }

    [Fact]
    public void TimeLeftCountsFromTheJobsStartAndTheSegmenterGetsAFloor()
    {
        var b = JobBudget.ForTrain(20, 1200, 1200, true);
        Assert.Equal(5.5, b.GanMinutesLeft(TimeSpan.FromMinutes(10)), 9);
        Assert.Equal(0, b.GanMinutesLeft(TimeSpan.FromMinutes(17)), 9);
        // A GAN that finished early leaves its time to the segmenter; one that overran leaves the floor.
        Assert.Equal(9.0, b.SegmenterMinutesLeft(TimeSpan.FromMinutes(10)), 9);
        Assert.Equal(JobBudget.MinSegmenterMinutes, b.SegmenterMinutesLeft(TimeSpan.FromMinutes(19.5)), 9);
    }

    [Fact]
    public void HocSplitIsStatedInTheSameTerms()
    {
        var config = new HocConfig { Image = HocConfig.SyntheticImage, Prior = HocConfig.DefaultPrior(4, 32, 1), Minutes = 15 };
        Assert.Equal("budget 15 min: GAN until 10:48, instance segmenter until 14:30 (3:42), segmenting/report the rest (0:30)",
            HocPipeline.Budget(config).Describe());
    }

    [Fact]
    public void SegmenterStopsAtItsTimeShareKeepingAScoredSnapshot()
    {
        var log = new StringWriter();
        var config = new SegmenterConfig { Pairs = 20, Steps = 1000, Batch = 4, Width = 4, ValidateEvery = 500, Minutes = 1e-6 };
        string ckpt = Path.Combine(_root, "seg.kgc");
        var result = new SegmenterTrainer(config, KernelGan.Device.Cpu, log).Train(rng => Discs(16), 16, 1, ckpt, Path.Combine(_root, "seg.csv"));
        Assert.Contains("segmenter: time share of", log.ToString());
        Assert.Equal(1, result.BestStep); // the one step that always runs, scored although no validation step was reached
        Assert.True(result.BestValidationIou >= 0);
        Assert.True(File.Exists(ckpt));
    }

    private static IEnumerable<GeneratedSample> Discs(int size)
    {
        for (int k = 0; ; k++)
        {
            var img = new HostImage(3, size, size);
            var mask = new HostImage(1, size, size);
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                    if ((x - 8) * (x - 8) + (y - 8) * (y - 8) < 16 + k % 5) { mask[0, y, x] = 1; for (int c = 0; c < 3; c++) img[c, y, x] = 1; }
            yield return new GeneratedSample(img, img, img, mask);
        }
    }

    [Fact]
    public void TrainStatesTheSplitBeforeAnyStep()
    {
        string data = Path.Combine(_root, "data");
        for (int i = 0; i < 6; i++)
        {
            var img = new HostImage(3, 32, 32);
            var mask = new HostImage(1, 32, 32);
            for (int y = 8; y < 24; y++) for (int x = 8 + i; x < 20 + i; x++) { mask[0, y, x] = 1; img[0, y, x] = 1; }
            ImageIo.SavePng(Path.Combine(data, "images", $"im{i}.png"), img);
            ImageIo.SavePng(Path.Combine(data, "masks", $"im{i}.png"), mask);
        }
        var r = CliHarness.Run("train", "--data", data, "--out", Path.Combine(_root, "run"), "--device", "cpu", "--arch", "small", "--size", "32",
            "--batch", "4", "--steps", "2", "--seg-steps", "2", "--seg-pairs", "20", "--minutes", "20", "--self-train-rounds", "1");
        Assert.True(r.ExitCode == 0, r.Error + r.Out);
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("kernelgan train:", lines[0]);
        // --seg-steps 2 of the default 1200 reserves almost nothing for the segmenter: the GAN gets it.
        // A folder of photos gets the self-training round (--self-train auto) and its quarter; one round
        // here, as the default (auto) would run up to three in this budget.
        Assert.Equal("budget 20 min: GAN until 14:00, segmenter until 14:00 (0:00), self-training until 19:00 (5:00), masks/report the rest (1:00)", lines[1].TrimEnd());
        Assert.Contains("budget 20 min", File.ReadAllText(Path.Combine(_root, "run", "report.html")));
    }
}
