using KernelGan.Gan.Data;
using KernelGan.Gan.Ilsgan;
using KernelGan.Gan.Prior;
using KernelGan.Gan.Training;

namespace KernelGan.Cli.Commands;

/// <summary>
/// `kernelgan train` for the independence-prior model (--model prior, the default with --boxes):
/// builds the run from the shared train options, then hands it to <see cref="BoxLevelPipeline"/>.
/// </summary>
internal static class PriorTraining
{
    public const int DefaultSteps = 6000;
    public const double DefaultLearningRate = 2e-4;
    public const int DefaultSegmenterSteps = 400;

    /// <summary>Whether this train invocation is a prior run: asked for, implied by --boxes, or a resumed prior run.</summary>
    public static bool Applies(CliArguments args, RunDirectory dir)
    {
        if (args.Flag("resume")) return RunConfigVersions.ModelOf(dir.Config) == PriorConfig.ModelName;
        string model = args.String("model") ?? (args.Flag("boxes") ? PriorConfig.ModelName : IlsganConfig.ModelName);
        return model switch
        {
            PriorConfig.ModelName => true,
            IlsganConfig.ModelName => false,
            _ => throw new UsageException($"train: --model must be one of ilsgan|prior, got '{model}'"),
        };
    }

    /// <summary>train options that only the ILSGAN model reads; given with the prior they would be silently ignored.</summary>
    private static readonly string[] IlsganOnly =
        ["arch", "sigma", "sigma-early", "sigma-switch", "min-area", "max-area", "area-weight", "smoothness", "mask-blur", "border-prior", "border-band", "mask-bias", "centre-prior", "patch-d", "r1", "sigma-switch-by", "shared-latent", "latent", "losses-on", "augment", "augment-target", "adam-betas", "seg-zoom", "seg-shift", "seg-rotate", "seg-pairs-from"];

    /// <param name="clock">Started when the command did: --minutes bounds the whole job from there.</param>
    public static int Run(CliArguments args, RunDirectory dir, System.Diagnostics.Stopwatch clock)
    {
        if (IlsganOnly.FirstOrDefault(args.Given) is { } option)
            throw new UsageException($"train: --{option} applies to --model ilsgan only, not to the independence prior (--model prior / --boxes)");
        bool resume = args.Flag("resume");
        var config = (resume ? Resumed(args, dir) : Fresh(args, dir)) with { StatsEvery = TrainCommand.StatsEvery(args) };
        var backend = KernelGan.Device.Open(config.Device, DeviceOption.Parse(config.Precision));
        int size = config.Gan.Architecture.CanvasSize;
        Console.WriteLine($"kernelgan train (independence prior): {config.Data}{(config.Boxes ? " --boxes" : "")} -> {dir.Root} on {backend.Name}");
        var budget = TrainCommand.Budget(config.Minutes, config.Segmenter.Steps, DefaultSegmenterSteps, !args.Flag("no-segmenter"), config.SelfTraining,
                                         config.SelfTrainingRounds, config.SelfTrainingRoundsWhileTimeAllows);
        if (budget is not null) Console.WriteLine(budget.Describe());
        var train = DatasetFactory.Open(config.Data, size, DataSplit.Train, useBoxes: config.Boxes,
            progress: new InlineProgress<int>(n => { if (n % 1000 == 0) Console.WriteLine($"  decoded {n} images"); }));
        if (train.Count == 0) throw new DataException($"{config.Data}: no training images");
        Console.WriteLine($"data: {train.Count} training images at {train.Size}x{train.Size}");
        dir.Create();
        if (!resume) AtomicFile.WriteAllBytes(dir.Config, System.Text.Encoding.UTF8.GetBytes(config.ToJson()));
        using var stop = new StopSignal();
        var pipeline = new BoxLevelPipeline(config, dir, backend, Console.Out, budget is null ? null : (budget, clock));
        var outcome = pipeline.Run(train, side => EvaluationSet(config.Data, side, config.Boxes), stop, resume, args.Flag("no-segmenter"));
        if (outcome.Interrupted) return 130;
        Console.WriteLine($"report: {dir.Report}");
        if (pipeline.LastPerImage is { } full)
        {
            Console.WriteLine($"per full image ({full.Images} images, {full.Boxes} boxes; box masks united):");
            if (pipeline.PaperProtocol is { } paper)
                Console.WriteLine(FormattableString.Invariant($"  {"U-Net on generated pairs (paper)",-34} IoU {paper.MeanIou:F3}  DICE {paper.MeanDice:F3}"));
            foreach (var (name, score) in EvalCommand.PerImageRows(full))
                Console.WriteLine(FormattableString.Invariant($"  {name,-34} IoU {score.MeanIou:F3}  DICE {score.MeanDice:F3}"));
        }
        if (outcome.Evaluation is { } eval)
        {
            Console.WriteLine("per box item (kernelgan eval's protocol):");
            foreach (var s in EvalCommand.Scores(eval, config.Data))
                Console.WriteLine(FormattableString.Invariant($"  {s.Name,-24} IoU {s.Iou:F3}  DICE {s.Dice:F3}  ({s.Note})"));
            Console.WriteLine(EvalCommand.ResultLine(eval.Model));
        }
        return 0;
    }

    /// <summary>Held-out data with ground truth: the synthetic test splits, or the dataset's own masks (box crops scored on full images).</summary>
    private static (IImageDataset Data, string Description)? EvaluationSet(string spec, int size, bool boxes)
    {
        if (spec.Equals(DatasetFactory.SyntheticHoc, StringComparison.OrdinalIgnoreCase)) return null;
        if (spec.StartsWith("synthetic", StringComparison.OrdinalIgnoreCase))
            return (DatasetFactory.Open(spec, size, DataSplit.Test), $"{spec} held-out test split");
        var test = DatasetFactory.Open(spec, size, DataSplit.Test, useBoxes: boxes);
        bool hasTruth = test.Count > 0 && (test.Mask(0) is not null || (test is IFullImageDataset f && f.FullMask(0) is not null));
        return hasTruth ? (test, $"{spec} (its own masks; the GAN never saw them)") : null;
    }

    private static RunConfig<PriorConfig> Fresh(CliArguments args, RunDirectory dir)
    {
        if (File.Exists(dir.Checkpoint) || File.Exists(dir.Config))
            throw new UsageException($"train: {dir.Root} already holds a run; continue it with --resume or choose another --out");
        int size = args.Int("size");
        if (size is not (32 or 64 or 128)) throw new UsageException($"train: --size must be 32, 64 or 128, got {size}");
        float lr = (float)args.DoubleOr("lr", DefaultLearningRate, 1e-7, 1);
        if (args.Given("bg-adversary") && !args.Flag("boxes"))
            throw new UsageException("train: --bg-adversary needs --boxes: its real background is what lies outside the boxes");
        var prior = BoxCropDefaults.Prior(size, args.Int("instances", 1, 16), (ulong)args.Int("seed", 0));
        if (args.Flag("boxes")) prior = BoxCropDefaults.WithBackgroundCritic(prior);
        prior = prior with
        {
            Architecture = prior.Architecture with
            {
                LayoutSeesInstance = args.Choice("layout", ("noise", false), ("instance", true)),
                BackgroundGrid = args.IntOr("bg-grid", prior.Architecture.BackgroundGrid, 1, size),
                BackgroundDetail = (float)args.DoubleOr("bg-detail", prior.Architecture.BackgroundDetail, 0, 1),
            },
            Batch = args.Int("batch", 2, 4096),
            MinimumInstanceArea = (float)args.DoubleOr("min-instance-area", 0, 0, 1),
            OutsideBoxWeight = (float)args.DoubleOr("outside-box", 0, 0, 1000),
            BackgroundAdversaryWeight = (float)args.DoubleOr("bg-adversary", prior.BackgroundAdversaryWeight, 0, 1000),
            // --shift's listed default is ILSGAN's; the prior's shift is off unless asked for.
            ShiftFraction = args.Given("shift") ? (float)args.Double("shift", 0, 0.5) : 0f,
            LearningRateG = lr,
            LearningRateD = lr,
            Independence = args.Has("independence")
                ? args.Choice("independence", ("mine", IndependenceTerm.Mine), ("none", IndependenceTerm.None))
                : IndependenceTerm.None,
        };
        var selfTraining = TrainCommand.SelfTrainingPlan(args, boxes: args.Flag("boxes"));
        return new RunConfig<PriorConfig>
        {
            Data = args.Required("data"),
            Boxes = args.Flag("boxes"),
            Gan = prior,
            Steps = args.IntOr("steps", DefaultSteps, 1),
            Minutes = args.Has("minutes") ? args.Double("minutes", 0.01) : null,
            SampleEvery = args.Int("sample-every", 1),
            CheckpointEvery = args.Int("checkpoint-every", 1),
            Segmenter = new SegmenterConfig { Steps = args.IntOr("seg-steps", DefaultSegmenterSteps, 1), Pairs = args.Int("seg-pairs", 20) },
            SelfTraining = selfTraining.Wanted,
            SelfTrainingRounds = selfTraining.Count,
            SelfTrainingRoundsWhileTimeAllows = selfTraining.WhileTimeAllows,
            Device = args.Required("device"),
            Precision = KernelGan.Kernels.GemmPrecisions.Name(DeviceOption.Precision(args)),
        };
    }

    private static RunConfig<PriorConfig> Resumed(CliArguments args, RunDirectory dir)
    {
        args.RejectAllBut("on --resume", TrainCommand.ResumableOptions);
        var saved = RunConfig<PriorConfig>.FromJson(File.ReadAllText(dir.Config), dir.Config);
        return saved with
        {
            Steps = args.Has("steps") ? args.Int("steps", 1) : saved.Steps,
            Minutes = args.Has("minutes") ? args.Double("minutes", 0.01) : saved.Minutes,
            Device = args.Required("device"),
            Precision = KernelGan.Kernels.GemmPrecisions.Name(DeviceOption.Precision(args)),
        };
    }
}
