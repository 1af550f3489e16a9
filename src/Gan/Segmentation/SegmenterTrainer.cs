using System.Diagnostics;
using System.Text.Json.Nodes;
using KernelGan.Gan.Data;
using KernelGan.Gan.Ilsgan;
using KernelGan.Gan.Training;
using KernelGan.Kernels;

namespace KernelGan.Gan.Segmentation;

/// <summary>
/// Turns a trained layered generator into a segmenter (ILSGAN's evaluation protocol): generate
/// image/mask pairs with the EMA generator (mask thresholded at 0.5), split them 90/10, train a
/// U-Net on the 90% with colour and geometric augmentation (zoom, shift, rotation: see
/// <see cref="GeometricJitter"/>), and keep the weights that score best on the 10%. With a time
/// bound (<see cref="SegmenterConfig.Minutes"/>) it stops early and still keeps its best snapshot.
/// </summary>
public sealed class SegmenterTrainer(SegmenterConfig config, IBackend backend, TextWriter log)
{
    public sealed record Result(double BestValidationIou, long BestStep, int TrainPairs, int ValidationPairs);

    public Result Train(LayeredGenerator generator, ulong seed, string checkpointPath, string metricsPath, StopSignal? stop = null) =>
        Train(rng => LayerSampler.Generate(generator, rng, config.Pairs, 32, backend), generator.Architecture.ImageSize, seed, checkpointPath, metricsPath, stop);

    /// <summary>The same, for any generator of layered samples (<paramref name="samples"/> draws config.Pairs of them from the Rng it is given).</summary>
    public Result Train(Func<Rng, IEnumerable<GeneratedSample>> samples, int size, ulong seed, string checkpointPath, string metricsPath, StopSignal? stop = null)
    {
        log.WriteLine($"segmenter: generating {config.Pairs} image/mask pairs with the EMA generator");
        var pairs = samples(new Rng(SeedStreams.SegmenterPairs(seed))).Take(config.Pairs).Select(s => (s.Composite, s.Mask));
        return Fit(pairs, config.Pairs, size, seed, checkpointPath, metricsPath, stop);
    }

    /// <summary>
    /// The same, on a folder of image/mask pairs (e.g. one `kernelgan generate` wrote) instead of
    /// fresh samples: every image with its mask, in the folder's order (the last 10% validate).
    /// </summary>
    public Result TrainOnPairs(IImageDataset pairs, ulong seed, string checkpointPath, string metricsPath, StopSignal? stop = null)
    {
        if (pairs.Count < 2) throw new Data.DataException($"segmenter pairs: {pairs.Count} image/mask pair(s); at least 2 are needed (one to train, one to validate)");
        log.WriteLine($"segmenter: {pairs.Count} image/mask pairs from a folder");
        var items = Enumerable.Range(0, pairs.Count).Select(i =>
            (pairs.Image(i), pairs.Mask(i) ?? throw new Data.DataException($"{pairs.Name(i)}: no mask for this image (segmenter pairs need masks/<stem>.png for every image)")));
        return Fit(items, pairs.Count, pairs.Size, seed, checkpointPath, metricsPath, stop);
    }

    /// <summary>Trains and saves the U-Net on <paramref name="count"/> pairs (images in [0, 1], masks thresholded at 0.5).</summary>
    private Result Fit(IEnumerable<(Data.HostImage Image, Data.HostImage Mask)> pairs, int count, int size, ulong seed, string checkpointPath, string metricsPath, StopSignal? stop)
    {
        // The time share counts from here: pair generation spends it too.
        var clock = Stopwatch.StartNew();
        var data = Prepare(pairs, count, size);
        var plan = new SegmenterFitPlan
        {
            Name = "segmenter", Steps = config.Steps, Batch = config.Batch, LearningRate = config.LearningRate,
            ValidateEvery = config.ValidateEvery, ValidationColumns = ["val_iou"], ScoreName = "val IoU",
            Minutes = config.Minutes, StepsDespiteBudget = 1,
        };
        var geometric = new GeometricJitter(config.Zoom, config.Shift, config.Rotation);
        var fit = SegmenterFitLoop.Fit(plan, data, seed, rng => new UNet(backend, rng, 3, config.Width),
            (image, mask, s, random) =>
            {
                ColourJitter.Apply(image, mask, s, random);
                geometric.Apply(image, mask, s, random);
            },
            unet => Validate(unet, data), backend, clock, log, metricsPath, stop);
        MaskPredictor.Save(checkpointPath, fit.Model, size, new JsonObject { ["best_val_iou"] = fit.BestScore, ["best_step"] = fit.BestStep });
        log.WriteLine(FormattableString.Invariant($"segmenter: best validation IoU {fit.BestScore:F3} at step {fit.BestStep} (on {data.ValidationCount} held-out pairs); saved {checkpointPath}"));
        return new Result(fit.BestScore, fit.BestStep, data.TrainCount, data.ValidationCount);
    }

    /// <summary>The pairs as the loop takes them: images in [-1, 1], masks as 0/1 targets.</summary>
    private static SegmentationPairs Prepare(IEnumerable<(Data.HostImage Image, Data.HostImage Mask)> pairs, int count, int size)
    {
        var data = new SegmentationPairs(new float[count * 3 * size * size], new float[count * size * size], count, 1, size);
        int k = 0;
        foreach (var (image, mask) in pairs)
        {
            image.ToMinusOneOne(data.Image(k));
            var target = data.Target(k);
            for (int p = 0; p < target.Length; p++) target[p] = mask.Data[p] > 0.5f ? 1f : 0f;
            k++;
        }
        return data;
    }

    private SegmenterValidation Validate(UNet unet, SegmentationPairs data)
    {
        var predictor = new MaskPredictor(unet, data.Size, backend);
        double total = 0;
        data.ForEachValidationChunk(64, (first, n) =>
        {
            var probs = predictor.PredictBatch(data.Images.AsSpan(first * 3 * data.Plane, n * 3 * data.Plane), n);
            for (int j = 0; j < n; j++)
                total += Data.MaskMetrics.Iou(probs.AsSpan(j * data.Plane, data.Plane), data.Target(first + j));
        });
        double iou = total / data.ValidationCount;
        return new SegmenterValidation(iou, [iou]);
    }
}
