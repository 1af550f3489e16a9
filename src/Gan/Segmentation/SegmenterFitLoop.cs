using System.Diagnostics;
using KernelGan.Gan.Training;
using KernelGan.Kernels;
using KernelGan.Nn.Optim;

namespace KernelGan.Gan.Segmentation;

/// <summary>How a segmenter is fitted: what the loop is called in its output, its steps and settings, its validation.</summary>
public sealed record SegmenterFitPlan
{
    /// <summary>What progress and budget lines call the model, e.g. "segmenter".</summary>
    public required string Name { get; init; }
    public required long Steps { get; init; }
    public required int Batch { get; init; }
    public required float LearningRate { get; init; }
    public required int ValidateEvery { get; init; }

    /// <summary>The validation columns of metrics.csv after step and loss, e.g. ["val_iou"].</summary>
    public required IReadOnlyList<string> ValidationColumns { get; init; }

    /// <summary>What the validation score is called on progress lines, e.g. "val IoU".</summary>
    public required string ScoreName { get; init; }

    /// <summary>Wall-clock bound in minutes, measured on the clock <see cref="SegmenterFitLoop.Fit"/> is given; null = steps only.</summary>
    public double? Minutes { get; init; }

    /// <summary>Steps that run even when the time bound is already spent (1: a segmenter whose share went on generating pairs still has weights to score).</summary>
    public int StepsDespiteBudget { get; init; }
}

/// <summary>A validation: the score that picks the best weights (higher is better) and the values of the plan's validation columns.</summary>
public readonly record struct SegmenterValidation(double Score, double[] Columns);

/// <summary>
/// The fitting loop both U-Net segmenters share (foreground for ILSGAN and box-level,
/// foreground + boundary for HOC): random training pairs per batch, each augmented, one Adam step
/// each, validation every N steps and at the end, the best weights kept (the saved model is the
/// best one seen, not the last), a time bound, a stop signal, progress lines and metrics.csv.
/// </summary>
public static class SegmenterFitLoop
{
    public sealed record Outcome(UNet Model, double BestScore, long BestStep, long Steps);

    /// <param name="clock">The clock <see cref="SegmenterFitPlan.Minutes"/> is measured on (started when the phase began, pair generation included where it counts).</param>
    /// <param name="newModel">Builds the U-Net from the init stream.</param>
    /// <param name="validate">Scores the model on <paramref name="pairs"/>' validation pairs.</param>
    /// <returns>The model, holding the best weights seen.</returns>
    public static Outcome Fit(SegmenterFitPlan plan, SegmentationPairs pairs, ulong seed, Func<Rng, UNet> newModel, PairAugmentation augment,
                              Func<UNet, SegmenterValidation> validate, IBackend backend, Stopwatch clock, TextWriter log,
                              string metricsPath, StopSignal? stop)
    {
        var unet = newModel(new Rng(SeedStreams.SegmenterInit(seed)));
        var adam = new Adam(unet.Parameters(), plan.LearningRate, 0.9f, 0.999f);
        var random = new Random(SeedStreams.SegmenterBatches(seed));
        var best = UNetFitting.Snapshot(unet);
        double bestScore = -1;
        long bestStep = 0, step = 0, lastValidated = 0;
        using var csv = new StreamWriter(metricsPath);
        csv.WriteLine("step,loss," + string.Join(",", plan.ValidationColumns));
        var budget = plan.Minutes is { } m ? TimeSpan.FromMinutes(m) : (TimeSpan?)null;
        // The reporter's ETA counts against what is left of the bound when the loop starts.
        var progress = new ProgressReporter(log, plan.Name + " step", 0, plan.Steps, budget is { } left ? left - clock.Elapsed : null);
        int plane = pairs.Plane;
        var batchImages = new float[plan.Batch * 3 * plane];
        var batchTargets = new float[plan.Batch * pairs.TargetChannels * plane];

        string csvValidation = "";
        void Score(long atStep)
        {
            var v = validate(unet);
            if (v.Score > bestScore) { bestScore = v.Score; bestStep = atStep; best = UNetFitting.Snapshot(unet); }
            lastValidated = atStep;
            csvValidation = string.Concat(v.Columns.Select(c => "," + Invariant(c)));
        }

        while (step < plan.Steps)
        {
            if (stop?.Requested == true) break;
            if (step >= plan.StepsDespiteBudget && budget is { } b && clock.Elapsed >= b)
            {
                log.WriteLine(FormattableString.Invariant($"{plan.Name}: time share of {plan.Minutes:0.##} min reached at step {step}"));
                break;
            }
            step++;
            int targetSize = pairs.TargetChannels * plane;
            for (int i = 0; i < plan.Batch; i++)
            {
                var image = batchImages.AsSpan(i * 3 * plane, 3 * plane);
                var targets = batchTargets.AsSpan(i * targetSize, targetSize);
                int j = random.Next(pairs.TrainCount);
                pairs.Image(j).CopyTo(image);
                pairs.Target(j).CopyTo(targets);
                augment(image, targets, pairs.Size, random);
            }
            float loss = UNetFitting.Step(unet, adam, batchImages, batchTargets, plan.Batch, pairs.TargetChannels, pairs.Size, backend);
            csvValidation = new string(',', plan.ValidationColumns.Count);
            if (step % plan.ValidateEvery == 0 || step == plan.Steps) Score(step);
            csv.WriteLine(FormattableString.Invariant($"{step},{loss:G6}") + csvValidation);
            progress.Report(step, () => bestScore < 0 ? FormattableString.Invariant($"loss {loss:F4}")
                : FormattableString.Invariant($"loss {loss:F4} | best {plan.ScoreName} {bestScore:F3} (step {bestStep})"), force: step == plan.Steps);
        }
        // The loop ended between validations (time bound, stop) or before any: score the last weights too.
        if (step > lastValidated || bestScore < 0) Score(step);
        UNetFitting.Restore(unet, best);
        return new Outcome(unet, bestScore, bestStep, step);
    }

    private static string Invariant(double value) => value.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
}
