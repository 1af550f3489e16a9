using System.Text.Json.Nodes;
using KernelGan.Gan.Data;
using KernelGan.Gan.Models;
using KernelGan.Gan.Optim;
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
        int plane = size * size;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var budget = config.Minutes is { } m ? TimeSpan.FromMinutes(m) : (TimeSpan?)null;
        var images = new float[count * 3 * plane];
        var masks = new float[count * plane];
        int k = 0;
        foreach (var (image, mask) in pairs)
        {
            image.ToMinusOneOne(images.AsSpan(k * 3 * plane, 3 * plane));
            for (int p = 0; p < plane; p++) masks[k * plane + p] = mask.Data[p] > 0.5f ? 1f : 0f;
            k++;
        }
        int validation = Math.Max(1, count / 10), train = count - validation;

        var previous = Device.Default;
        Device.Default = backend;
        try
        {
            var rng = new Rng(SeedStreams.SegmenterInit(seed));
            var unet = new UNet(rng, 3, config.Width);
            var adam = new Adam(unet.Parameters(), config.LearningRate, 0.9f, 0.999f);
            var random = new Random(SeedStreams.SegmenterBatches(seed));
            var best = UNetFitting.Snapshot(unet);
            double bestIou = -1;
            long bestStep = 0;
            using var csv = new StreamWriter(metricsPath);
            csv.WriteLine("step,loss,val_iou");
            // The reporter's clock starts after pair generation; its ETA counts against what is left.
            var progress = new ProgressReporter(log, "segmenter step", 0, config.Steps, budget is { } left ? left - clock.Elapsed : null);
            var batchImages = new float[config.Batch * 3 * plane];
            var batchMasks = new float[config.Batch * plane];
            var geometric = new GeometricJitter(config.Zoom, config.Shift, config.Rotation);
            long lastStep = 0, lastValidated = 0;
            for (long step = 1; step <= config.Steps; step++)
            {
                if (stop?.Requested == true) break;
                // The first step always runs, so a segmenter whose share was spent on generating pairs still has weights to score.
                if (step > 1 && budget is { } b && clock.Elapsed >= b)
                {
                    log.WriteLine(FormattableString.Invariant($"segmenter: time share of {config.Minutes:0.##} min reached at step {lastStep}"));
                    break;
                }
                for (int i = 0; i < config.Batch; i++)
                {
                    int j = random.Next(train);
                    images.AsSpan(j * 3 * plane, 3 * plane).CopyTo(batchImages.AsSpan(i * 3 * plane));
                    masks.AsSpan(j * plane, plane).CopyTo(batchMasks.AsSpan(i * plane));
                    ColourJitter.Apply(batchImages.AsSpan(i * 3 * plane, 3 * plane), batchMasks.AsSpan(i * plane, plane), size, random);
                    geometric.Apply(batchImages.AsSpan(i * 3 * plane, 3 * plane), batchMasks.AsSpan(i * plane, plane), size, random);
                }
                float loss = UNetFitting.Step(unet, adam, batchImages, batchMasks, config.Batch, 1, size, backend);
                double iou = double.NaN;
                if (step % config.ValidateEvery == 0 || step == config.Steps)
                {
                    iou = Validate(unet, images, masks, train, validation, size);
                    if (iou > bestIou) { bestIou = iou; bestStep = step; best = UNetFitting.Snapshot(unet); }
                    lastValidated = step;
                }
                lastStep = step;
                csv.WriteLine(FormattableString.Invariant($"{step},{loss:G6},{(double.IsNaN(iou) ? "" : iou.ToString("G6", System.Globalization.CultureInfo.InvariantCulture))}"));
                long s0 = step;
                progress.Report(step, () => bestIou < 0 ? FormattableString.Invariant($"loss {loss:F4}")
                    : FormattableString.Invariant($"loss {loss:F4} | best val IoU {bestIou:F3} (step {bestStep})"), force: s0 == config.Steps);
            }
            if (lastStep > lastValidated)
            {
                // The loop ended between validations (time share, stop): score the last weights too.
                double iou = Validate(unet, images, masks, train, validation, size);
                if (iou > bestIou) { bestIou = iou; bestStep = lastStep; best = UNetFitting.Snapshot(unet); }
            }
            UNetFitting.Restore(unet, best);
            MaskPredictor.Save(checkpointPath, unet, size, new JsonObject { ["best_val_iou"] = bestIou, ["best_step"] = bestStep });
            log.WriteLine(FormattableString.Invariant($"segmenter: best validation IoU {bestIou:F3} at step {bestStep} (on {validation} held-out pairs); saved {checkpointPath}"));
            return new Result(bestIou, bestStep, train, validation);
        }
        finally { Device.Default = previous; }
    }

    private double Validate(UNet unet, float[] images, float[] masks, int start, int count, int size)
    {
        int plane = size * size;
        var predictor = new MaskPredictor(unet, size, backend);
        double total = 0;
        for (int i = 0; i < count; i += 64)
        {
            int n = Math.Min(64, count - i);
            var probs = predictor.PredictBatch(images.AsSpan((start + i) * 3 * plane, n * 3 * plane), n);
            for (int j = 0; j < n; j++)
                total += Data.MaskMetrics.Iou(probs.AsSpan(j * plane, plane), masks.AsSpan((start + i + j) * plane, plane));
        }
        return total / count;
    }
}
