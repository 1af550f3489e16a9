using System.Text.Json.Nodes;
using KernelGan.Gan.Data;
using KernelGan.Gan.Ilsgan;
using KernelGan.Gan.Metrics;
using KernelGan.Gan.Reporting;
using KernelGan.Gan.Segmentation;
using KernelGan.Gan.Training;

namespace KernelGan.Cli.Commands;

/// <summary>
/// `kernelgan eval`: scores a run's segmenter on images with ground-truth masks, or with --fid the
/// run's generator against real images (FID and KID, <see cref="FidEvaluation"/>).
/// </summary>
public sealed class EvalCommand : ICommand
{
    public string Name => "eval";
    public string Summary => "score a run's segmenter (foreground IoU and DICE) on data with masks; --fid: FID and KID of its generator";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("run", "run directory written by kernelgan train", null, ValueName: "RUN"),
        new("data", "synthetic (its held-out split) | a folder with images/ and masks/ | a CUB root; with --fid the real images " +
                    "(default: the run's training data; synthetic: its training split)", null, ValueName: "DIR"),
        new("segmenter", "which of the run's segmenters: final (segmenter.kgc) or generated (segmenter-generated.kgc, the U-Net on generated pairs a self-training round started from)", "final", ValueName: "final|generated"),
        new("refine", "also score the masks refined on each real image (GrabCut seeded by the U-Net's probabilities)", IsFlag: true),
        new("refine-weight", "weight of the U-Net's probabilities in the refinement's data term, beside the colour models (higher keeps more of the U-Net's mask)", "3", ValueName: "W"),
        new("refine-from", "box-level: the refinement's first labelling, the whole box (as GrabCut from the box starts) or the U-Net's mask", "box", ValueName: "box|mask"),
        new("boxes", "score box-level: segment the 1.5x crop around each box of DIR/boxes.csv and score per full image (pasted and united), beside the box and GrabCut; the default for runs trained with --boxes", IsFlag: true),
        new("mi", "also estimate with MINE the mutual information between the generator's layers", IsFlag: true),
        new("mi-steps", "MINE training steps per pair", "300", ValueName: "N"),
        new("fid", "instead of the segmenter's scores: FID and KID of the run's EMA generator against --data's images " +
                   "(needs --features; numbers from different feature networks or N are not comparable)", IsFlag: true),
        new("features", "with --fid: the feature network, an ONNX file (the standard: Inception-v3's 2048-d pool3 features, " +
                        "e.g. the pytorch-fid weights exported to ONNX; nothing here downloads it)", null, ValueName: "FILE.onnx"),
        new("fid-n", $"with --fid: generated images, and real ones (fewer if the dataset has fewer) (default: " +
                     $"{GeneratorImageQuality.DefaultCount} or the dataset's size, whichever is smaller)", null, ValueName: "N"),
        new("seed", "with --fid: the generator's latents (as generate --seed), the real subset and KID's subsets", "1", ValueName: "S"),
        DeviceOption.Spec(),
    ];

    public int Run(CliArguments args)
    {
        if (args.Flag("fid")) return FidEvaluation.Run(args);
        foreach (var option in new[] { "features", "fid-n", "seed" })
            if (args.Given(option)) throw new UsageException($"eval: --{option} belongs to --fid");
        var dir = new RunDirectory(args.Required("run"));
        string segmenterPath = args.Choice("segmenter", ("final", dir.Segmenter), ("generated", dir.GeneratedPairsSegmenter));
        if (!File.Exists(segmenterPath))
            throw new CheckpointException(segmenterPath == dir.Segmenter
                ? $"{segmenterPath}: no segmenter in this run (did training finish?)"
                : $"{segmenterPath}: no generated-pairs segmenter in this run (only runs with a self-training round keep one)");
        var backend = DeviceOption.Open(args);
        var predictor = MaskPredictor.Load(segmenterPath, backend);
        string spec = args.Required("data");
        var refine = new KernelGan.Gan.Classical.GrabCut.RefineOptions
        {
            PriorWeight = args.Double("refine-weight", 0, 100),
            StartFromBox = args.Choice("refine-from", ("mask", false), ("box", true)),
        };
        if (args.Flag("boxes") || TrainedOnBoxes(dir)) return EvaluateBoxLevel(dir, predictor, segmenterPath, spec, backend.Name, refine);
        int size = DatasetFactory.EvaluationSize(spec, predictor.ImageSize);
        IImageDataset data = DatasetFactory.Open(spec, size, DataSplit.Test);
        if (data.Count == 0) throw new DataException($"{spec}: no images");
        if (data.Mask(0) is null && !(data is IFullImageDataset f && f.FullMask(0) is not null))
            throw new DataException($"{spec}: no ground-truth masks (expected a masks/ folder beside images/)");
        Console.WriteLine($"eval: {data.Count} images of {spec} at {size} px with {segmenterPath} ({predictor.ImageSize} px) on {backend.Name}");
        var eval = SegmentationEvaluator.Evaluate(predictor, data, refine: args.Flag("refine") ? refine : null);
        foreach (var s in Scores(eval, spec))
            Console.WriteLine(FormattableString.Invariant($"  {s.Name,-24} IoU {s.Iou:F3}  DICE {s.Dice:F3}  ({s.Note})"));
        if (args.Flag("mi")) ReportMutualInformation(dir, backend, args.Int("mi-steps", 1));
        Console.WriteLine(ResultLine(eval.Model));
        return 0;
    }

    /// <summary>Whether the run was trained on box crops (its config.json says Boxes: true).</summary>
    private static bool TrainedOnBoxes(RunDirectory dir) =>
        RunConfigVersions.ModelOf(dir.Config) == KernelGan.Gan.Prior.PriorConfig.ModelName
        && RunConfig<KernelGan.Gan.Prior.PriorConfig>.FromJson(File.ReadAllText(dir.Config), dir.Config).Boxes;

    /// <summary>
    /// Box-level scoring on a folder with boxes.csv and masks/: each box's crop at the model's size,
    /// the masks pasted back and united per image, beside the box itself and GrabCut from the box,
    /// and the model's masks refined at the scene's resolution (<see cref="BoxRefinement"/>).
    /// </summary>
    private static int EvaluateBoxLevel(RunDirectory dir, MaskPredictor predictor, string segmenterPath, string spec, string device, KernelGan.Gan.Classical.GrabCut.RefineOptions refine)
    {
        var data = DatasetFactory.Open(spec, predictor.ImageSize, DataSplit.Test, useBoxes: true) as IFullImageDataset
            ?? throw new DataException($"{spec}: box-level scoring needs a folder with images/, boxes.csv and masks/");
        if (data.Count == 0) throw new DataException($"{spec}: no boxes");
        if (data.FullMask(0) is null) throw new DataException($"{spec}: no ground-truth masks (expected a masks/ folder beside images/)");
        Console.WriteLine($"eval: {data.Count} boxes of {spec} at {predictor.ImageSize} px, scored per full image, with {segmenterPath} on {device}");
        var result = KernelGan.Gan.Prior.FullImageEvaluation.Evaluate(predictor, data, withGrabCut: true,
            new InlineProgress<int>(n => Console.WriteLine($"  {n}/{data.Count} boxes")), refine);
        Console.WriteLine($"per full image ({result.Images} images, {result.Boxes} boxes; box masks united):");
        foreach (var (name, score) in PerImageRows(result))
            Console.WriteLine(FormattableString.Invariant($"  {name,-34} IoU {score.MeanIou:F3}  DICE {score.MeanDice:F3}"));
        var json = new JsonObject
        {
            ["data"] = spec, ["iou"] = result.Model.MeanIou, ["dice"] = result.Model.MeanDice, ["n"] = result.Images,
            ["per_image"] = result.ToJson(),
        };
        AtomicFile.WriteAllBytes(dir.Evaluation, System.Text.Encoding.UTF8.GetBytes(json.ToJsonString(new() { WriteIndented = true })));
        Console.WriteLine(ResultLine(result.Model));
        return 0;
    }

    /// <summary>The per-full-image rows of a box-level evaluation, as printed by train and eval.</summary>
    internal static (string Name, MaskScore Score)[] PerImageRows(KernelGan.Gan.Prior.FullImageEvaluation.Result r) =>
    [
        ("segmenter (U-Net)", r.Model), ("box as mask", r.BoxAsMask), ("GrabCut from the box", r.GrabCut!.Value),
        ("  U-Net's masks refined (box as bound)", r.Refined!.Value),
    ];

    private static void ReportMutualInformation(RunDirectory dir, KernelGan.Kernels.IBackend backend, int steps)
    {
        var config = RunConfig<IlsganConfig>.FromJson(File.ReadAllText(dir.Config), dir.Config);
        var trainer = new IlsganTrainer(config.Gan, backend);
        IlsganRun.RestoreFrom(Checkpoint.Load(dir.Checkpoint), trainer);
        foreach (var e in LayerMutualInformation.Measure(trainer.GeneratorEma, backend, steps, 8, config.Gan.Seed, Console.Out))
            Console.WriteLine(FormattableString.Invariant($"  MINE {e.Pair,-24} {e.Nats:F4} nats"));
    }

    /// <summary>The model's score and the baselines, for printing and the report.</summary>
    internal static List<RunReport.Score> Scores(SegmentationEvaluator.Evaluation eval, string description)
    {
        var scores = new List<RunReport.Score>
        {
            new("segmenter (U-Net)", eval.Model.MeanIou, eval.Model.MeanDice, eval.Model.Count, description),
            new("centred ellipse", eval.CentredEllipse.MeanIou, eval.CentredEllipse.MeanDice, eval.CentredEllipse.Count, "baseline: fixed ellipse with the mean true area"),
        };
        if (eval.Refined is { } refined)
            scores.Add(new("refined (GrabCut from U-Net)", refined.MeanIou, refined.MeanDice, refined.Count, "the U-Net's masks refined on each real image; not the paper's protocol"));
        if (eval.BoxAsMask is { } box)
            scores.Add(new("box as mask", box.MeanIou, box.MeanDice, box.Count, "baseline: the annotated box filled"));
        return scores;
    }

    internal static void SaveEvaluation(RunDirectory dir, SegmentationEvaluator.Evaluation eval, string description)
    {
        var json = new JsonObject
        {
            ["data"] = description,
            ["iou"] = eval.Model.MeanIou,
            ["dice"] = eval.Model.MeanDice,
            ["n"] = eval.Model.Count,
            ["ellipse_iou"] = eval.CentredEllipse.MeanIou,
            ["ellipse_dice"] = eval.CentredEllipse.MeanDice,
        };
        if (eval.BoxAsMask is { } box) { json["box_iou"] = box.MeanIou; json["box_dice"] = box.MeanDice; }
        AtomicFile.WriteAllBytes(dir.Evaluation, System.Text.Encoding.UTF8.GetBytes(json.ToJsonString(new() { WriteIndented = true })));
    }

    internal static string ResultLine(MaskScore s) => FormattableString.Invariant($"iou={s.MeanIou:F3} dice={s.MeanDice:F3} n={s.Count}");
}
