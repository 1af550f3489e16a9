using System.Diagnostics;
using System.Text.Json.Nodes;
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
        var data = new SegmentationPairs(new float[config.Pairs * 3 * plane], new float[config.Pairs * 2 * plane], config.Pairs, 2, size);
        int k = 0;
        foreach (var s in PriorSampler.Generate(generator, new Rng(SeedStreams.SegmenterPairs(seed)), config.Pairs, 32, backend))
        {
            s.Composite.ToMinusOneOne(data.Image(k));
            InstanceTargets.From(s).CopyTo(data.Target(k));
            k++;
        }

        // The time bound counts from here: pair generation has its own share of the HOC budget.
        var clock = Stopwatch.StartNew();
        var plan = new SegmenterFitPlan
        {
            Name = "instance segmenter", Steps = config.Steps, Batch = config.Batch, LearningRate = config.LearningRate,
            ValidateEvery = config.ValidateEvery, ValidationColumns = ["val_fg_iou", "val_boundary_iou"],
            ScoreName = "val (fg+boundary IoU)/2", Minutes = config.Minutes,
        };
        var fit = SegmenterFitLoop.Fit(plan, data, seed, rng => new UNet(backend, rng, 3, config.Width, 3, outChannels: 2), Augment,
            unet => Validate(unet, data), backend, clock, log, metricsPath, stop);
        var meta = new JsonObject
        {
            ["kind"] = "instance-segmenter", ["image_size"] = size, ["width"] = config.Width, ["depth"] = fit.Model.Depth,
            ["best_val_score"] = fit.BestScore, ["best_step"] = fit.BestStep,
        };
        Checkpoint.Save(checkpointPath, meta, fit.Model.StateTensors());
        log.WriteLine(FormattableString.Invariant($"instance segmenter: {fit.Steps} steps in {clock.Elapsed.TotalSeconds:F0}s; best validation (fg IoU + boundary IoU)/2 = {fit.BestScore:F3} at step {fit.BestStep}; saved {checkpointPath}"));
        return new Result(fit.BestScore, fit.BestStep, fit.Steps, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Colour jitter and one of the square's eight symmetries, the same for the image and both target planes.</summary>
    private static void Augment(Span<float> image, Span<float> targets, int size, Random random)
    {
        ColourJitter.Photometric(image, size, random);
        int code = random.Next(8);
        Dihedral.Apply(image, 3, size, code);
        Dihedral.Apply(targets, 2, size, code);
    }

    private SegmenterValidation Validate(UNet unet, SegmentationPairs data)
    {
        int plane = data.Plane;
        var predictor = new InstancePredictor(unet, backend);
        double fg = 0, bnd = 0;
        data.ForEachValidationChunk(64, (first, n) =>
        {
            var probs = predictor.PredictBatch(data.Images.AsSpan(first * 3 * plane, n * 3 * plane), n, data.Size, data.Size);
            for (int j = 0; j < n; j++)
            {
                var t = data.Target(first + j);
                fg += Data.MaskMetrics.Iou(probs.AsSpan(j * 2 * plane, plane), t[..plane]);
                bnd += Data.MaskMetrics.Iou(probs.AsSpan(j * 2 * plane + plane, plane), t[plane..]);
            }
        });
        int count = data.ValidationCount;
        return new SegmenterValidation(0.5 * (fg / count + bnd / count), [fg / count, bnd / count]);
    }
}
