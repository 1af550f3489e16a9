using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using KernelGan.Gan.Data;
using KernelGan.Gan.Prior;
using KernelGan.Gan.Training;
using KernelGan.Kernels;

namespace KernelGan.Gan.Hoc;

/// <summary>
/// Case 2 of the independence prior, instances from ONE image of a homogeneous object cluster:
/// (1) train the multi-instance GAN on random crops of the image at the working scale;
/// (2) train an instance segmenter on generated composites whose instance masks are known;
/// (3) segment the whole image in one pass, split the foreground into instances, bring them to
/// the image's size and write instances/NN.png, overlay.png, instances.csv and report.html;
/// (4) where the true instances are known, score the match.
/// </summary>
public sealed class HocPipeline(HocConfig config, RunDirectory dir, IBackend backend, TextWriter log)
{
    // The run has a time budget (--minutes): the GAN gets config.GanShare of it, the instance
    // segmenter what the GAN left less half a minute for segmenting the image and writing the
    // outputs (never less than JobBudget.MinSegmenterMinutes, so a GAN that overran still leaves
    // a segmenter that has seen some batches).
    private const double MinutesKeptForSegmenting = 0.5;

    /// <summary>hoc's split of --minutes, in the same terms as train's (<see cref="JobBudget.ForTrain"/>).</summary>
    public static JobBudget Budget(HocConfig config)
    {
        double ganUntil = config.Minutes * config.GanShare;
        return new JobBudget(config.Minutes, ganUntil, Math.Max(ganUntil, config.Minutes - MinutesKeptForSegmenting), "instance segmenter", "segmenting/report");
    }

    public string InstanceSegmenterPath => Path.Combine(dir.Root, "instance_segmenter.kgc");
    public string EvaluationPath => Path.Combine(dir.Root, "instance_eval.json");

    public sealed record Outcome(InstanceLabels Labels, InstanceMatching.Score? Score, bool Interrupted);

    public Outcome Run(StopSignal? stop, bool resume)
    {
        var clock = Stopwatch.StartNew();
        var budget = Budget(config);
        log.WriteLine(budget.Describe());
        var image = HocImage.Load(config.Image, config.SyntheticSeed, config.Truth);
        int crop = config.Prior.Architecture.CanvasSize;
        var work = image.AtWorkingScale(config.WorkSize, crop);
        log.WriteLine($"hoc: {image.Description}, {image.Image.Width}x{image.Image.Height}, learning at {work.Width}x{work.Height} from {crop}-pixel crops with {config.Prior.Architecture.Slots} instance slots");

        var notes = new List<string> { budget.Describe() + ".", $"Image: {image.Description} ({image.Image.Width}x{image.Image.Height}); working scale {work.Width}x{work.Height}; crops of {crop} px; {config.Prior.Architecture.Slots} instance slots." };
        var run = new PriorRun(config.Prior, config.GanSchedule with { Minutes = budget.GanMinutesLeft(clock.Elapsed) }, dir, backend, log, config.ToJsonObject());
        if (resume) run.Resume();
        using (var batches = new SceneCropBatches(new SceneCropSampler(work, crop, config.Prior.Batch, (long)config.Prior.Seed)))
            run.Train(batches, stop);
        notes.Add(FormattableString.Invariant($"GAN: {run.Trainer.Step} steps of batch {config.Prior.Batch} ({run.LastSession.Steps} in this session, {run.LastSession.Seconds:F0} s, {run.LastSession.Steps / Math.Max(1e-9, run.LastSession.Seconds):F2} steps/s) on {backend.Name}."));
        WriteReport(notes, null, null);
        if (run.Interrupted) return new Outcome(new InstanceLabels([], 0, 0, 0), null, true);

        var segConfig = config.Segmenter with { Minutes = Math.Min(config.Segmenter.Minutes ?? double.MaxValue, budget.SegmenterMinutesLeft(clock.Elapsed)) };
        var seg = new InstanceSegmenterTrainer(segConfig, backend, log)
            .Train(run.Trainer.GeneratorEma, config.Prior.Seed, InstanceSegmenterPath, Path.Combine(dir.Root, "instance_segmenter.csv"), stop);
        notes.Add(FormattableString.Invariant($"Instance segmenter: two-channel U-Net (foreground, instance boundary) trained {seg.Steps} steps ({seg.Seconds:F0} s) on {segConfig.Pairs} generated composites with known instance masks; best held-out score (fg IoU + boundary IoU)/2 = {seg.BestValidationScore:F3}."));

        var (labels, score) = SegmentWriteAndScore(image, work);
        notes.Add(FormattableString.Invariant($"Total wall time {clock.Elapsed.TotalMinutes:F1} min."));
        WriteReport(notes, score, labels);
        return new Outcome(labels, score, false);
    }

    /// <summary>
    /// Only step (3) and (4), with the run's trained instance segmenter: for a changed extraction,
    /// or another image of the same kind of objects (<paramref name="imageSpec"/>, null = the run's own).
    /// </summary>
    public Outcome SegmentOnly(string? imageSpec, string? truth = null)
    {
        if (!File.Exists(InstanceSegmenterPath)) throw new CheckpointException($"{InstanceSegmenterPath}: this run has no instance segmenter yet (did training finish?)");
        var image = HocImage.Load(imageSpec ?? config.Image, config.SyntheticSeed, truth ?? (imageSpec is null ? config.Truth : null));
        var work = image.AtWorkingScale(config.WorkSize, config.Prior.Architecture.CanvasSize);
        var (labels, score) = SegmentWriteAndScore(image, work);
        WriteReport([$"Instances of {image.Description} segmented with this run's instance segmenter (segment-only pass)."], score, labels);
        return new Outcome(labels, score, false);
    }

    /// <summary>Steps (3) and (4): the image's instances with the run's instance segmenter, written out, and scored where the truth is known.</summary>
    private (InstanceLabels Labels, InstanceMatching.Score? Score) SegmentWriteAndScore(HocImage image, HostImage work)
    {
        var labels = Segment(InstancePredictor.Load(InstanceSegmenterPath, backend), image, work);
        InstanceOutputs.Write(dir.Root, image.Image, labels);
        log.WriteLine($"hoc: {labels.Count} instances -> {Path.Combine(dir.Root, "instances")}, overlay.png, instances.csv");
        if (image.TrueInstances is not { } truth) return (labels, null);
        var score = InstanceMatching.Match(truth, image.TrueCount, labels.Labels, labels.Count);
        SaveEvaluation(score);
        log.WriteLine(ResultLine(score));
        return (labels, score);
    }

    /// <summary>Instances of the whole image: predicted at the working scale, split, and brought to full size.</summary>
    public static InstanceLabels Segment(InstancePredictor predictor, HocImage image, HostImage work)
    {
        var maps = predictor.Predict(work);
        var labels = InstanceExtractor.Extract(maps);
        return InstanceExtractor.Upscale(labels, maps.Foreground, image.Image.Width, image.Image.Height);
    }

    public static string ResultLine(InstanceMatching.Score s) => FormattableString.Invariant(
        $"matched={s.MatchedFraction:F3} ({s.Matched}/{s.TrueInstances} true instances at IoU>=0.5) mean_matched_iou={s.MeanMatchedIou:F3} predicted={s.PredictedInstances} precision={s.Precision:F3}");

    private void SaveEvaluation(InstanceMatching.Score s)
    {
        var json = new JsonObject
        {
            ["true_instances"] = s.TrueInstances, ["predicted_instances"] = s.PredictedInstances, ["matched"] = s.Matched,
            ["matched_fraction"] = s.MatchedFraction, ["mean_matched_iou"] = s.MeanMatchedIou,
            ["mean_best_iou"] = s.MeanBestIou, ["precision"] = s.Precision,
        };
        AtomicFile.WriteAllBytes(EvaluationPath, System.Text.Encoding.UTF8.GetBytes(json.ToJsonString(new() { WriteIndented = true })));
    }

    private void WriteReport(List<string> notes, InstanceMatching.Score? score, InstanceLabels? labels)
    {
        var tables = new List<PriorReport.Table>();
        if (score is { } s)
            tables.Add(new("Instances against the truth", ["true", "predicted", "matched at IoU>=0.5", "matched fraction", "mean matched IoU", "precision"],
                [[I(s.TrueInstances), I(s.PredictedInstances), I(s.Matched), F(s.MatchedFraction), F(s.MeanMatchedIou), F(s.Precision)]]));
        if (labels is not null)
            tables.Add(new("Instances found (instances.csv)", ["id", "area", "x", "y", "w", "h"],
                labels.Describe().Select(i => new[] { I(i.Id), I(i.Area), I(i.X), I(i.Y), I(i.BoxWidth), I(i.BoxHeight) }).ToList()));
        var pictures = new List<PriorReport.Picture>();
        if (labels is not null) pictures.Add(new("overlay.png", "instances found: each tinted and outlined in its own colour, numbered with its id in instances.csv"));
        pictures.AddRange(PriorReport.LatestGrids(dir.Root));
        PriorReport.Write(dir.Root, $"KernelGan HOC run: {Path.GetFileName(dir.Root)}", config.ToJson(), notes, tables, pictures);
    }

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
    private static string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
}
