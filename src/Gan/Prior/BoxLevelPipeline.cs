using System.Globalization;
using System.Text.Json.Nodes;
using KernelGan.Gan.Data;
using KernelGan.Gan.Reporting;
using KernelGan.Gan.Segmentation;
using KernelGan.Gan.Training;
using KernelGan.Kernels;

namespace KernelGan.Gan.Prior;

/// <summary>
/// Case 1 of the independence prior, foreground segmentation with box-level annotation: train the
/// model (one instance per crop) on square crops around the boxes, turn it into a segmenter the
/// way ILSGAN does (a U-Net trained only on generated composite/mask pairs), and score it on full
/// images with the crops' masks pasted back, beside the box-as-mask, GrabCut and centred-ellipse baselines.
/// With <paramref name="timing"/> (train --minutes), the GAN and the segmenter stop where the job's budget says.
/// </summary>
public sealed class BoxLevelPipeline(RunConfig<PriorConfig> config, RunDirectory dir, IBackend backend, TextWriter log,
                                     (JobBudget Budget, System.Diagnostics.Stopwatch Clock)? timing = null)
{
    public sealed record Outcome(SegmentationEvaluator.Evaluation? Evaluation, bool Interrupted);

    /// <summary>The per-full-image scores of the last evaluation (box-level data only).</summary>
    public FullImageEvaluation.Result? LastPerImage { get; private set; }

    /// <summary>With a self-training round: the generated-pairs U-Net's per-full-image score (the paper's protocol).</summary>
    public MaskScore? PaperProtocol { get; private set; }

    /// <summary>The background critic's real background: box-free windows of the training scenes, logged as counted.</summary>
    private BackgroundPatchBank BackgroundPatches(IImageDataset train)
    {
        if (train is not IFullImageDataset scenes || train.Count == 0 || scenes.Box(0) is null)
            throw new DataException($"{config.Data}: the background critic (--bg-adversary) needs box-level data (--boxes), whose scenes show background outside the boxes");
        var bank = BackgroundPatchBank.Build(scenes, config.Gan.Architecture.CanvasSize, config.Gan.Seed);
        if (bank.Count == 0)
            throw new DataException($"{config.Data}: no scene has a box-free window of at least {BackgroundPatchBank.MinimumSideFraction:0.#} of its crop's side, so there is no real background for the background critic (train without it: --bg-adversary 0 --bg-detail 0)");
        log.WriteLine($"background critic: {bank.Count} box-free windows from {bank.Scenes - bank.ScenesWithoutBackground} of {bank.Scenes} scenes ({bank.ScenesWithoutBackground} have none)");
        return bank;
    }

    /// <param name="testAt">Held-out data with truth at a given side (the segmenter's), or null when there is none.</param>
    public Outcome Run(IImageDataset train, Func<int, (IImageDataset Data, string Description)?> testAt, StopSignal? stop, bool resume, bool skipSegmenter = false)
    {
        var schedule = timing is { } t0 ? config.Schedule with { Minutes = t0.Budget.GanMinutesLeft(t0.Clock.Elapsed) } : config.Schedule;
        var run = new PriorRun(config.Gan, schedule, dir, backend, log, config.ToJsonObject());
        if (resume) run.Resume();
        if (run.Trainer.BackgroundAdversary is { } adversary) adversary.Patches = BackgroundPatches(train);
        using (var batches = new DatasetBatches(train, config.Gan.Batch, (long)config.Gan.Seed))
            run.Train(batches, stop);
        var notes = new List<string>();
        if (timing is { } t2) notes.Add(t2.Budget.Describe() + ".");
        notes.AddRange(new[]
        {
            $"Data: {config.Data}{(config.Boxes ? " (box crops, 1.5x the box's longer side)" : "")}, {train.Count} training images at {train.Size}x{train.Size}.",
            FormattableString.Invariant($"GAN: {run.Trainer.Step} steps of batch {config.Gan.Batch} ({run.LastSession.Steps} in this session, {run.LastSession.Seconds:F0} s) on {backend.Name}."),
        });
        WriteReport(notes, []);
        if (run.Interrupted) return new Outcome(null, true);
        if (skipSegmenter) return new Outcome(null, false);

        int size = config.Gan.Architecture.CanvasSize;
        var generator = run.Trainer.GeneratorEma;
        var segConfig = config.Segmenter with { Minutes = timing is { } t1 ? t1.Budget.SegmenterMinutesLeft(t1.Clock.Elapsed) : null };
        var seg = new SegmenterTrainer(segConfig, backend, log).Train(
            rng => PriorSampler.Generate(generator, rng, config.Segmenter.Pairs, 32, backend).Select(s => s.AsLayerSample()),
            size, config.Gan.Seed, dir.Segmenter, dir.SegmenterMetrics, stop);
        notes.Add(FormattableString.Invariant($"Segmenter: U-Net trained on {seg.TrainPairs} generated composite/mask pairs; best IoU {seg.BestValidationIou:F3} on {seg.ValidationPairs} held-out generated pairs (step {seg.BestStep})."));
        // Ctrl-C or SIGTERM during a segmenter phase: its best snapshot is saved; stop there, not after scoring.
        Outcome StoppedAfter(string phase)
        {
            notes.Add($"Stopped on request after the {phase} (its best snapshot is saved); no scores were made.");
            WriteReport(notes, []);
            return new Outcome(null, true);
        }
        if (stop?.Requested == true) return StoppedAfter("segmenter phase");
        if (config.SelfTraining)
        {
            // The same round ILSGAN runs use, on the training crops, each label bounded by its box.
            var round = new SelfTrainingStage(dir, backend, log).RunRounds(config.SelfTrainingRounds, config.Data,
                config.Segmenter with { Steps = SelfTrainingStage.DefaultSteps },
                config.Gan.Seed, timing is { } t3 ? t3.Budget.SelfTrainMinutesLeft(t3.Clock.Elapsed) : null, stop, boxes: config.Boxes,
                whileTimeAllows: config.SelfTrainingRoundsWhileTimeAllows);
            notes.Add(round.ReportNote(boxes: config.Boxes));
            if (stop?.Requested == true) return StoppedAfter("self-training round");
        }
        using var predictor = MaskPredictor.Load(dir.Segmenter, backend);
        if (testAt(predictor.ImageSize) is not { } t)
        {
            WriteReport(notes, []);
            return new Outcome(null, false);
        }
        log.WriteLine($"evaluating on {t.Description} ({t.Data.Count} items)");
        var eval = SegmentationEvaluator.Evaluate(predictor, t.Data);
        var tables = new List<PriorReport.Table>();
        FullImageEvaluation.Result? perImage = null;
        if (t.Data is IFullImageDataset full && full.Box(0) is not null && full.FullMask(0) is not null)
        {
            log.WriteLine("evaluating per full image (union of each image's boxes), with the box and GrabCut baselines");
            perImage = FullImageEvaluation.Evaluate(predictor, full, withGrabCut: true);
            var rows = new List<string[]>();
            if (config.SelfTraining && testAt(size)?.Data is IFullImageDataset atModelSize)
            {
                using var teacher = MaskPredictor.Load(dir.GeneratedPairsSegmenter, backend);
                PaperProtocol = FullImageEvaluation.Evaluate(teacher, atModelSize, withGrabCut: false).Model;
                rows.Add(Row("independence prior -> U-Net on generated pairs", PaperProtocol.Value, "the paper's protocol (segmenter-generated.kgc)"));
            }
            rows.AddRange(new[]
            {
                Row(config.SelfTraining ? "  self-trained U-Net (run's segmenter)" : "independence prior -> U-Net", perImage.Model, "masks of every box of the image, pasted back and united"),
                Row("box as mask", perImage.BoxAsMask, "baseline: the annotated boxes filled"),
                Row("GrabCut from the box", perImage.GrabCut!.Value, "baseline: colour GMMs + graph cut on the same crops"),
                Row("  U-Net's masks refined", perImage.Refined!.Value, "GrabCut seeded by the U-Net's probabilities at the scene's resolution, the box as a bound (not the paper's protocol)"),
            });
            tables.Add(new PriorReport.Table($"Segmentation per full image ({perImage.Images} images, {perImage.Boxes} boxes)", ["method", "IoU", "DICE", "images", "note"], rows));
        }
        SaveEvaluation(eval, perImage, t.Description);
        var itemRows = new List<string[]> { Row("independence prior -> U-Net", eval.Model, t.Description) };
        if (eval.BoxAsMask is { } box) itemRows.Add(Row("box as mask", box, "baseline: the annotated box filled"));
        itemRows.Add(Row("centred ellipse", eval.CentredEllipse, "baseline: fixed ellipse with the mean true area"));
        tables.Add(new PriorReport.Table("Segmentation per item (kernelgan eval's protocol: each crop's mask pasted back, scored against the whole image's mask)", ["method", "IoU", "DICE", "items", "note"], itemRows));
        var gallery = new RunReport.Gallery(MaskGallery.Write(predictor, t.Data, eval.ItemIou, dir.Root), MaskGallery.Intro(scored: true));
        WriteReport(notes, tables, gallery);
        LastPerImage = perImage;
        return new Outcome(eval, false);
    }

    private static string[] Row(string name, MaskScore s, string note) =>
        [name, s.MeanIou.ToString("F3", CultureInfo.InvariantCulture), s.MeanDice.ToString("F3", CultureInfo.InvariantCulture), s.Count.ToString(CultureInfo.InvariantCulture), note];

    /// <summary>RUN/eval.json, the same fields as `kernelgan eval` writes for ILSGAN runs.</summary>
    private void SaveEvaluation(SegmentationEvaluator.Evaluation eval, FullImageEvaluation.Result? perImage, string description)
    {
        var json = new JsonObject
        {
            ["data"] = description, ["iou"] = eval.Model.MeanIou, ["dice"] = eval.Model.MeanDice, ["n"] = eval.Model.Count,
            ["ellipse_iou"] = eval.CentredEllipse.MeanIou, ["ellipse_dice"] = eval.CentredEllipse.MeanDice,
        };
        if (eval.BoxAsMask is { } box) { json["box_iou"] = box.MeanIou; json["box_dice"] = box.MeanDice; }
        if (perImage is not null)
        {
            var full = perImage.ToJson();
            full["generated_pairs_iou"] = PaperProtocol?.MeanIou;
            full["generated_pairs_dice"] = PaperProtocol?.MeanDice;
            json["per_image"] = full;
        }
        AtomicFile.WriteAllBytes(dir.Evaluation, System.Text.Encoding.UTF8.GetBytes(json.ToJsonString(new() { WriteIndented = true })));
    }

    private void WriteReport(List<string> notes, IReadOnlyList<PriorReport.Table> tables, RunReport.Gallery? gallery = null) =>
        PriorReport.Write(dir.Root, $"KernelGan independence-prior run: {Path.GetFileName(dir.Root)}", config.ToJson(), notes, tables, PriorReport.LatestGrids(dir.Root, 3), gallery);
}
