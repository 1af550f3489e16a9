using System.Diagnostics;
using System.Text.Json.Nodes;
using KernelGan.Gan.Models;
using KernelGan.Gan.Optim;
using KernelGan.Gan.Prior;
using KernelGan.Gan.Segmentation;
using KernelGan.Gan.Training;
using KernelGan.Kernels;

namespace KernelGan.Gan.Hoc;

/// <summary>How the instance segmenter is trained on generated composites.</summary>
public sealed record InstanceSegmenterConfig
{
    public int Pairs { get; init; } = 4096;
    public long Steps { get; init; } = 800;
    public double? Minutes { get; init; }
    public int Batch { get; init; } = 32;
    public int Width { get; init; } = 16;
    public float LearningRate { get; init; } = 2e-3f;
    public int ValidateEvery { get; init; } = 100;
}

/// <summary>
/// Turns the trained generator into an instance segmenter: it generates composites whose instance
/// masks are known (every instance is its own layer), derives foreground + boundary targets
/// (<see cref="InstanceTargets"/>), and trains a two-channel U-Net on them with colour jitter and
/// the square's symmetries, keeping the weights that score best on held-out generated pairs.
/// No real image is labelled at any point.
/// </summary>
public sealed class InstanceSegmenterTrainer(InstanceSegmenterConfig config, IBackend backend, TextWriter log)
{
    public sealed record Result(double BestValidationScore, long BestStep, long Steps, double Seconds);

    public Result Train(PriorGenerator generator, ulong seed, string checkpointPath, string metricsPath, StopSignal? stop = null)
    {
        int size = generator.Architecture.CanvasSize, plane = size * size;
        log.WriteLine($"instance segmenter: generating {config.Pairs} composites with known instance masks");
        var images = new float[config.Pairs * 3 * plane];
        var targets = new float[config.Pairs * 2 * plane];
        int k = 0;
        foreach (var s in PriorSampler.Generate(generator, new Rng(SeedStreams.SegmenterPairs(seed)), config.Pairs, 32, backend))
        {
            s.Composite.ToMinusOneOne(images.AsSpan(k * 3 * plane, 3 * plane));
            InstanceTargets.From(s).CopyTo(targets.AsSpan(k * 2 * plane));
            k++;
        }
        int validation = Math.Max(1, config.Pairs / 10), train = config.Pairs - validation;

        var previous = Device.Default;
        Device.Default = backend;
        try
        {
            var rng = new Rng(SeedStreams.SegmenterInit(seed));
            var unet = new UNet(rng, 3, config.Width, 3, outChannels: 2);
            var adam = new Adam(unet.Parameters(), config.LearningRate, 0.9f, 0.999f);
            var random = new Random(SeedStreams.SegmenterBatches(seed));
            var best = UNetFitting.Snapshot(unet);
            double bestScore = -1;
            long bestStep = 0, step = 0;
            using var csv = new StreamWriter(metricsPath);
            csv.WriteLine("step,loss,val_fg_iou,val_boundary_iou");
            var clock = Stopwatch.StartNew();
            var budget = config.Minutes is { } m ? TimeSpan.FromMinutes(m) : (TimeSpan?)null;
            var progress = new ProgressReporter(log, "instance segmenter step", 0, config.Steps, budget);
            var batchImages = new float[config.Batch * 3 * plane];
            var batchTargets = new float[config.Batch * 2 * plane];
            while (step < config.Steps)
            {
                if (stop?.Requested == true || (budget is { } b && clock.Elapsed >= b)) break;
                step++;
                for (int i = 0; i < config.Batch; i++)
                {
                    int j = random.Next(train);
                    var img = batchImages.AsSpan(i * 3 * plane, 3 * plane);
                    var tgt = batchTargets.AsSpan(i * 2 * plane, 2 * plane);
                    images.AsSpan(j * 3 * plane, 3 * plane).CopyTo(img);
                    targets.AsSpan(j * 2 * plane, 2 * plane).CopyTo(tgt);
                    ColourJitter.Photometric(img, size, random);
                    int code = random.Next(8);
                    Dihedral.Apply(img, 3, size, code);
                    Dihedral.Apply(tgt, 2, size, code);
                }
                float loss = UNetFitting.Step(unet, adam, batchImages, batchTargets, config.Batch, 2, size, backend);
                string fgText = "", bndText = "";
                if (step % config.ValidateEvery == 0 || step == config.Steps)
                {
                    var (fg, bnd) = Validate(unet, images, targets, train, validation, size);
                    double score = 0.5 * (fg + bnd);
                    if (score > bestScore) { bestScore = score; bestStep = step; best = UNetFitting.Snapshot(unet); }
                    fgText = Invariant(fg);
                    bndText = Invariant(bnd);
                }
                csv.WriteLine($"{step},{Invariant(loss)},{fgText},{bndText}");
                progress.Report(step, () => bestScore < 0 ? FormattableString.Invariant($"loss {loss:F4}")
                    : FormattableString.Invariant($"loss {loss:F4} | best val (fg+boundary IoU)/2 {bestScore:F3} (step {bestStep})"));
            }
            if (bestScore < 0 || bestStep != step)
            {
                // The loop ended between validations (time budget, stop): score the last weights too.
                var (fg, bnd) = Validate(unet, images, targets, train, validation, size);
                if (0.5 * (fg + bnd) > bestScore) { bestScore = 0.5 * (fg + bnd); bestStep = step; best = UNetFitting.Snapshot(unet); }
            }
            UNetFitting.Restore(unet, best);
            var meta = new JsonObject
            {
                ["kind"] = "instance-segmenter", ["image_size"] = size, ["width"] = config.Width, ["depth"] = unet.Depth,
                ["best_val_score"] = bestScore, ["best_step"] = bestStep,
            };
            Checkpoint.Save(checkpointPath, meta, unet.StateTensors());
            log.WriteLine(FormattableString.Invariant($"instance segmenter: {step} steps in {clock.Elapsed.TotalSeconds:F0}s; best validation (fg IoU + boundary IoU)/2 = {bestScore:F3} at step {bestStep}; saved {checkpointPath}"));
            return new Result(bestScore, bestStep, step, clock.Elapsed.TotalSeconds);
        }
        finally { Device.Default = previous; }
    }

    private static string Invariant(double v) => v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);

    private (double Foreground, double Boundary) Validate(UNet unet, float[] images, float[] targets, int start, int count, int size)
    {
        int plane = size * size;
        var predictor = new InstancePredictor(unet, backend);
        double fg = 0, bnd = 0;
        for (int i = 0; i < count; i += 64)
        {
            int n = Math.Min(64, count - i);
            var probs = predictor.PredictBatch(images.AsSpan((start + i) * 3 * plane, n * 3 * plane), n, size, size);
            for (int j = 0; j < n; j++)
            {
                var t = targets.AsSpan((start + i + j) * 2 * plane, 2 * plane);
                fg += Data.MaskMetrics.Iou(probs.AsSpan(j * 2 * plane, plane), t[..plane]);
                bnd += Data.MaskMetrics.Iou(probs.AsSpan(j * 2 * plane + plane, plane), t[plane..]);
            }
        }
        return (fg / count, bnd / count);
    }
}
