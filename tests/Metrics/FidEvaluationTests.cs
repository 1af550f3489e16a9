using KernelGan.Gan.Data;
using KernelGan.Gan.Ilsgan.Generation;
using KernelGan.Gan.Metrics;
using KernelGan.Gan.Reporting;
using KernelGan.Gan.Training;
using KernelGan.Tests.Cli;
using Xunit;

namespace KernelGan.Tests.Metrics;

/// <summary>
/// The whole FID/KID path on a tiny trained run: the CLI's refusals without a usable feature
/// network, and the driver (generator samples and real images through a small test network).
/// </summary>
[Collection("cli")]
public class FidEvaluationTests(TinyIlsganRun fixture) : IClassFixture<TinyIlsganRun>
{
    [Fact]
    public void WithoutFeaturesEvalFidSaysWhyInOneLineAndInventsNoNumber()
    {
        var r = CliHarness.Run("eval", "--run", fixture.Run, "--fid", "--device", "cpu");
        CliHarness.AssertOneLineError(r, "FID is not available", "no feature network", "Inception", "--features FILE.onnx");
        Assert.DoesNotContain("fid=", r.Out);
        Assert.DoesNotContain("kid=", r.Out);
    }

    [Fact]
    public void AMissingOrUnreadableFeatureFileIsOneLineNamingIt()
    {
        string missing = Path.Combine(fixture.Root, "nope.onnx");
        CliHarness.AssertOneLineError(CliHarness.Run("eval", "--run", fixture.Run, "--fid", "--features", missing, "--device", "cpu"),
            "nope.onnx", "no such feature network file");
        string junk = Path.Combine(fixture.Root, "junk.onnx");
        File.WriteAllText(junk, "not a model");
        var r = CliHarness.Run("eval", "--run", fixture.Run, "--fid", "--features", junk, "--device", "cpu");
        CliHarness.AssertOneLineError(r, "junk.onnx");
        Assert.DoesNotContain("fid=", r.Out);
        // --fid's options are refused without --fid, rather than silently ignored.
        CliHarness.AssertOneLineError(CliHarness.Run("eval", "--run", fixture.Run, "--data", "synthetic", "--features", junk), "--features", "--fid");
    }

    [Fact]
    public void EvalFidRunsTheWholePathThroughAnOnnxNetworkOurWriterWrote()
    {
        // The full user path: a feature network as an ONNX file (an Inception-like net built with
        // our own writer), read by our interpreter, over the run's samples and real images.
        string features = Path.Combine(fixture.Root, "features-" + Guid.NewGuid().ToString("N")[..8] + ".onnx");
        KernelGan.Gan.Onnx.OnnxModelWriter.WriteFile(features, KernelGan.Tests.Onnx.TestNetworks.InceptionLike(3));
        var r = CliHarness.Run("eval", "--run", fixture.Run, "--data", "synthetic", "--fid", "--features", features, "--fid-n", "24", "--device", "cpu");
        Assert.True(r.ExitCode == 0, r.Error + r.Out);
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string fid = Assert.Single(lines, l => l.StartsWith("fid="));
        Assert.Single(lines, l => l.StartsWith("kid="));
        double value = double.Parse(fid["fid=".Length..].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(double.IsFinite(value) && value > 0, fid);
    }

    [Fact]
    public void TheDriverScoresTheGeneratorFartherFromRealImagesThanRealImagesFromEachOther()
    {
        var dir = new RunDirectory(fixture.Run);
        var trainer = TrainedIlsgan.Restore(TrainedIlsgan.Open(dir, "test"), dir.Checkpoint, KernelGan.Device.Cpu);
        var real = SyntheticDataset.ObjectCentric(32, DataSplit.Train, seed: 3);
        Assert.Equal(GeneratorImageQuality.DefaultCount, GeneratorImageQuality.DefaultCountFor(real));
        var network = new ProjectionFeatureNetwork(inputSize: 16, featureCount: 12);
        var log = new StringWriter();
        const int n = 48;

        var scores = GeneratorImageQuality.Measure(trainer.GeneratorEma, real, n, seed: 1, network, KernelGan.Device.Cpu, log, new KidOptions(Subsets: 10));
        Assert.True(double.IsFinite(scores.Fid) && double.IsFinite(scores.Kid.Mean) && double.IsFinite(scores.Kid.Std), scores.ToString());
        Assert.Equal((n, n, 12, n), (scores.Generated, scores.Real, scores.FeatureCount, scores.Kid.SubsetSize));
        Assert.Equal(2 * n, network.Batches.Sum(b => b.Length) / (3 * 16 * 16)); // both sides through the network, at its size
        Assert.Contains($"features of generated images {n}/{n}", log.ToString());
        Assert.Contains("KID subsets 10/10", log.ToString());
        Assert.StartsWith("fid=", scores.FidLine);
        Assert.StartsWith("kid=", scores.KidLine);

        // Two disjoint halves of the real data are much closer to each other than a two-step
        // generator is to either: the numbers measure what they should.
        var first = Enumerable.Range(0, n).Select(real.Image);
        var second = Enumerable.Range(n, n).Select(real.Image);
        var baseline = ImageQuality.Measure(first, n, second, n, new ProjectionFeatureNetwork(inputSize: 16, featureCount: 12),
            KernelGan.Device.Cpu, new KidOptions(Subsets: 10), TextWriter.Null);
        Assert.True(scores.Fid > 3 * baseline.Fid, $"generator FID {scores.Fid} vs real-real {baseline.Fid}");
        Assert.True(scores.Kid.Mean > 3 * Math.Abs(baseline.Kid.Mean), $"generator KID {scores.Kid.Mean} vs real-real {baseline.Kid.Mean}");

        // The same seed scores the same samples.
        var again = GeneratorImageQuality.Measure(trainer.GeneratorEma, real, n, seed: 1, new ProjectionFeatureNetwork(inputSize: 16, featureCount: 12),
            KernelGan.Device.Cpu, TextWriter.Null, new KidOptions(Subsets: 10));
        Assert.Equal(scores.Fid, again.Fid, 9);
    }

    [Fact]
    public void TheTrainReportSaysFidWasNotComputed()
    {
        string html = File.ReadAllText(Path.Combine(fixture.Run, "report.html"));
        Assert.Contains(RunReport.FidNotComputed, html);
        Assert.Contains("see eval --fid", html);
    }
}
