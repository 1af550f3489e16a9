using KernelGan.Gan.Ilsgan;
using KernelGan.Gan.Ilsgan.Generation;
using KernelGan.Gan.Onnx.Export;
using KernelGan.Gan.Segmentation;
using KernelGan.Gan.Training;
using KernelGan.Tests.Cli;
using Xunit;

namespace KernelGan.Tests.Onnx;

/// <summary>`kernelgan export`: both models of a (tiny, two-step) run, checked with OnnxRuntime against the run's own models, and its one-line errors.</summary>
[Collection("cli")]
public class ExportCommandTests(TinyIlsganRun fixture) : IClassFixture<TinyIlsganRun>
{
    private string Fresh(string name) => Path.Combine(fixture.Root, name + "-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>A copy of the shared run with an (untrained) segmenter beside its GAN checkpoint.</summary>
    private string RunWithSegmenter()
    {
        string run = Fresh("segrun");
        Directory.CreateDirectory(run);
        foreach (var f in new[] { "config.json", "checkpoint.kgc" }) File.Copy(Path.Combine(fixture.Run, f), Path.Combine(run, f));
        MaskPredictor.Save(Path.Combine(run, "segmenter.kgc"), SegmenterExportTests.RandomUNet(3, 8, 2), 32);
        return run;
    }

    [Fact]
    public void TheExportedSegmenterComputesWhatSegmentComputes()
    {
        string run = RunWithSegmenter(), file = Path.Combine(Fresh("seg"), "segmenter.onnx");
        var r = CliHarness.Run("export", "--run", run, "--out", file);
        Assert.True(r.ExitCode == 0, r.Error + r.Out);
        Assert.Contains("image float[N,3,32,32]", r.Out);
        Assert.Contains("mask float[N,1,32,32]", r.Out);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(file)!, "*.tmp"));

        const int n = 3;
        var images = SegmenterExportTests.RandomImages(2, n, 32);
        using var predictor = MaskPredictor.Load(Path.Combine(run, "segmenter.kgc"), Device.Cpu);
        var ours = predictor.PredictBatch(images, n);
        var theirs = OnnxRuntimeReference.Run(File.ReadAllBytes(file), new OnnxRuntimeReference.Input("image", [n, 3, 32, 32], images))["mask"];
        Assert.True(OnnxRuntimeReference.MaxAbsDifference(ours, theirs) <= 1e-4f);
    }

    [Fact]
    public void TheExportedGeneratorIsTheRunsEmaGeneratorFrozenAsStated()
    {
        string file = Path.Combine(Fresh("gen"), "generator.onnx");
        var r = CliHarness.Run("export", "--run", fixture.Run, "--out", file, "--model", "generator", "--calibration-batches", "2", "--batch", "4", "--seed", "3");
        Assert.True(r.ExitCode == 0, r.Error + r.Out);
        Assert.Contains("2 batches of 4", r.Out);

        // The run's EMA generator, restored and frozen here the way the command says it froze its own.
        var ckpt = Checkpoint.Load(Path.Combine(fixture.Run, "checkpoint.kgc"));
        var config = RunConfig<IlsganConfig>.FromJson(ckpt.Metadata["config"]!.ToJsonString(), "checkpoint");
        var trainer = new IlsganTrainer(config.Gan, Device.Cpu);
        IlsganRun.RestoreFrom(ckpt, trainer);
        var g = trainer.GeneratorEma;
        BatchNormCalibration.Calibrate(g, new Rng(SeedStreams.BatchNormCalibration(3)), 2, 4, Device.Cpu);
        Assert.False(g.SharedLatent); // the tiny run's default: two inputs
        const int n = 2;
        int l = config.Gan.Architecture.LatentDim;
        float[] zf, zb, composite, mask;
        using (new TensorScope())
        using (Tensor.NoGrad())
        {
            var (tf, tb) = g.SampleLatents(new Rng(5), n, Device.Cpu);
            zf = tf.ToArray();
            zb = tb.ToArray();
            var layers = g.Forward(tf, tb);
            composite = layers.Composite().ToArray();
            mask = layers.Mask.ToArray();
        }
        var theirs = OnnxRuntimeReference.Run(File.ReadAllBytes(file),
            new OnnxRuntimeReference.Input(GeneratorExport.ForegroundInput, [n, l], zf), new OnnxRuntimeReference.Input(GeneratorExport.BackgroundInput, [n, l], zb));
        Assert.True(OnnxRuntimeReference.MaxAbsDifference(composite, theirs[GeneratorExport.Composite]) <= 1e-4f);
        Assert.True(OnnxRuntimeReference.MaxAbsDifference(mask, theirs[GeneratorExport.Mask]) <= 1e-4f);
    }

    [Fact]
    public void BadInputIsOneLine()
    {
        string Out() => Path.Combine(Fresh("x"), "m.onnx");
        CliHarness.AssertOneLineError(CliHarness.Run("export", "--run", Path.Combine(fixture.Root, "nope"), "--out", Out()), "nope", "no such run");
        CliHarness.AssertOneLineError(CliHarness.Run("export", "--run", fixture.Run), "--out");
        CliHarness.AssertOneLineError(CliHarness.Run("export", "--run", fixture.Run, "--out", Out(), "--model", "discriminator"), "--model", "segmenter|generator");
        CliHarness.AssertOneLineError(CliHarness.Run("export", "--run", fixture.Run, "--out", Out()), "segmenter.kgc", "no segmenter");
        CliHarness.AssertOneLineError(CliHarness.Run("export", "--run", RunWithSegmenter(), "--out", Out(), "--input", "jpeg"), "--input");
        CliHarness.AssertOneLineError(CliHarness.Run("export", "--run", fixture.Run, "--out", fixture.Root, "--model", "generator"), "is a folder");
        CliHarness.AssertOneLineError(CliHarness.Run("export", "--run", fixture.Run, "--out", Out(), "--model", "generator", "--batch", "1"), "--batch");
        // A prior run (only its config.json is read to tell) is refused by name.
        string prior = Fresh("prior");
        Directory.CreateDirectory(prior);
        File.WriteAllText(Path.Combine(prior, "config.json"), "{\"Model\": \"prior\"}");
        CliHarness.AssertOneLineError(CliHarness.Run("export", "--run", prior, "--out", Out(), "--model", "generator"), "independence-prior", "ILSGAN runs only");
        // A corrupt segmenter file.
        string broken = RunWithSegmenter();
        File.WriteAllBytes(Path.Combine(broken, "segmenter.kgc"), [1, 2, 3]);
        string target = Out();
        CliHarness.AssertOneLineError(CliHarness.Run("export", "--run", broken, "--out", target), "segmenter.kgc");
        Assert.False(File.Exists(target));
    }
}
