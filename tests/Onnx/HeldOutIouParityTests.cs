using KernelGan.Gan.Data;
using KernelGan.Gan.Segmentation;
using KernelGan.Nn.Optim;
using KernelGan.Tests.Cli;
using KernelGan.Tests.Data;
using Xunit;
using Xunit.Abstractions;

namespace KernelGan.Tests.Onnx;

/// <summary>
/// Issue 18's must-show, checkable without a full run: the segmenter exported by `kernelgan
/// export` and run by OnnxRuntime scores the same IoU on the synthetic held-out split (500
/// images) as `eval` scores with our own predictor, to three decimals.
/// By default the segmenter is a small U-Net trained here for a few seconds on synthetic scenes
/// that are not in the held-out split (so its masks are real masks, not noise around 0.5).
/// KERNELGAN_ONNX_RUN=runs/synthetic runs the same check on a trained run's own segmenter, e.g.
/// the README's main job: `KERNELGAN_ONNX_RUN=$PWD/runs/synthetic dotnet test tests/KernelGan.Tests.csproj -c Release --filter HeldOutIouParity`.
/// </summary>
[Collection("cli")]
public class HeldOutIouParityTests(ITestOutputHelper output)
{
    [Fact]
    public void OnnxRuntimeScoresTheSameHeldOutIouAsEval()
    {
        using var dir = new TempDirectory();
        string? given = Environment.GetEnvironmentVariable("KERNELGAN_ONNX_RUN");
        string run = given is { Length: > 0 } ? Path.GetFullPath(given) : BrieflyTrainedRun(dir.Combine("run"));
        output.WriteLine(given is { Length: > 0 } ? $"segmenter of the run {run} (KERNELGAN_ONNX_RUN)" : $"a small U-Net trained here for the test (set KERNELGAN_ONNX_RUN=RUN to check a trained run)");

        string file = dir.Combine("segmenter.onnx");
        var r = CliHarness.Run("export", "--run", run, "--out", file);
        Assert.True(r.ExitCode == 0, r.Error + r.Out);

        using var predictor = MaskPredictor.Load(Path.Combine(run, "segmenter.kgc"), Device.Cpu);
        int size = predictor.ImageSize, plane = size * size;
        var data = DatasetFactory.Open(DatasetFactory.Synthetic, size, DataSplit.Test);
        var ours = SegmentationEvaluator.Evaluate(predictor, data).Model; // what `eval` and `train` print

        var theirs = new MaskScoreAccumulator();
        var bytes = File.ReadAllBytes(file);
        long differing = 0;
        const int chunk = 100;
        for (int start = 0; start < data.Count; start += chunk)
        {
            int n = Math.Min(chunk, data.Count - start);
            var pixels = new float[n * 3 * plane];
            for (int i = 0; i < n; i++) data.Image(start + i).ToMinusOneOne(pixels.AsSpan(i * 3 * plane, 3 * plane));
            var probabilities = OnnxRuntimeReference.Run(bytes, new OnnxRuntimeReference.Input("image", [n, 3, size, size], pixels))["mask"];
            var mine = predictor.PredictBatch(pixels, n);
            for (int i = 0; i < n; i++)
            {
                theirs.Add(HostImage.MaskFrom(probabilities.AsSpan(i * plane, plane), size, size), data.Mask(start + i)!);
                for (int p = i * plane; p < (i + 1) * plane; p++)
                    if (mine[p] > MaskMetrics.DefaultThreshold != probabilities[p] > MaskMetrics.DefaultThreshold) differing++;
            }
        }
        var score = theirs.Score;
        output.WriteLine(FormattableString.Invariant($"held-out IoU: ours {ours.MeanIou:F6}, OnnxRuntime {score.MeanIou:F6} (DICE {ours.MeanDice:F6} / {score.MeanDice:F6}) over {score.Count} images; {differing} of {(long)data.Count * plane} pixels thresholded differently"));
        Assert.Equal(500, score.Count);
        Assert.Equal(FormattableString.Invariant($"{ours.MeanIou:F3}"), FormattableString.Invariant($"{score.MeanIou:F3}"));
        Assert.True(Math.Abs(ours.MeanIou - score.MeanIou) < 5e-4, $"IoU {ours.MeanIou} vs {score.MeanIou}");
        if (given is not { Length: > 0 }) Assert.True(ours.MeanIou > 0.5, $"the briefly trained U-Net reached only IoU {ours.MeanIou:F3}: its masks would not test much");
    }

    /// <summary>A run directory holding a 32-px U-Net fitted for a few seconds on synthetic scenes (another seed than the held-out split's).</summary>
    private static string BrieflyTrainedRun(string run)
    {
        const int size = 32, batch = 8, steps = 60, plane = size * size;
        var source = SyntheticDataset.ObjectCentric(size, DataSplit.Test, seed: 12345);
        var scenes = Enumerable.Range(0, 64).Select(source.ImageAndMask).ToList(); // rendered once
        var unet = new UNet(Device.Cpu, new Rng(2), 3, width: 8, depth: 2);
        var adam = new Adam(unet.Parameters(), 5e-3f, 0.9f, 0.999f);
        var random = new Random(5);
        var images = new float[batch * 3 * plane];
        var masks = new float[batch * plane];
        for (int step = 0; step < steps; step++)
        {
            for (int i = 0; i < batch; i++)
            {
                var (image, mask) = scenes[random.Next(scenes.Count)];
                image.ToMinusOneOne(images.AsSpan(i * 3 * plane, 3 * plane));
                mask.Data.CopyTo(masks.AsSpan(i * plane, plane));
            }
            UNetFitting.Step(unet, adam, images, masks, batch, 1, size, Device.Cpu);
        }
        Directory.CreateDirectory(run);
        MaskPredictor.Save(Path.Combine(run, "segmenter.kgc"), unet, size);
        return run;
    }
}
