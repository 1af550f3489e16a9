using KernelGan.Gan.Classical;
using KernelGan.Gan.Data;
using KernelGan.Gan.Ilsgan;
using KernelGan.Gan.Segmentation;
using KernelGan.Gan.Training;

namespace KernelGan.Cli.Commands;

/// <summary>
/// `kernelgan selftrain`: the self-training round (<see cref="SelfTraining"/>) on a finished run:
/// pseudo-label the real training images with the run's generated-pairs U-Net refined on each
/// image, train a U-Net on them at the data's resolution, make it the run's segmenter. The
/// generated-pairs U-Net is kept as segmenter-generated.kgc, so the round can be run again.
/// </summary>
public sealed class SelfTrainCommand : ICommand
{
    public string Name => "selftrain";
    public string Summary => "self-training round: a U-Net on the real images, labelled by the run's segmenter refined on each image";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("run", "run directory written by kernelgan train", null, ValueName: "RUN"),
        new("data", "the real training images (default: the run's --data)", null, ValueName: "DIR"),
        new("seg-steps", "U-Net training steps", SelfTrainingStage.DefaultSteps.ToString(System.Globalization.CultureInfo.InvariantCulture), ValueName: "N"),
        new("minutes", "wall-clock bound of the round (labelling and the U-Net's training together)", null, ValueName: "M"),
        new("from-current", "label with the run's current segmenter (after a first round, the self-trained one) instead of the generated-pairs U-Net", IsFlag: true),
        DeviceOption.Spec(),
    ];

    public int Run(CliArguments args)
    {
        var dir = new RunDirectory(args.Required("run"));
        if (!File.Exists(dir.Config)) throw new CheckpointException($"{dir.Config}: not a run directory (no config.json)");
        if (RunConfigVersions.ModelOf(dir.Config) == Gan.Prior.PriorConfig.ModelName) return RunOnBoxLevelRun(args, dir);
        var config = RunConfig<IlsganConfig>.FromJson(File.ReadAllText(dir.Config), dir.Config);
        string data = args.Has("data") ? args.Required("data") : config.Data;
        var backend = DeviceOption.Open(args);
        var stage = new SelfTrainingStage(dir, backend, Console.Out);
        using var stop = new StopSignal();
        var result = stage.Run(data, config.Segmenter with
        {
            Steps = args.Int("seg-steps", 1),
            Minutes = args.Has("minutes") ? args.Double("minutes", 0.01) : null,
        }, config.Gan.Seed, stop, fromCurrent: args.Flag("from-current"));
        if (TrainCommand.EvaluationSetFor(data, result.Size) is { } test)
        {
            using var predictor = MaskPredictor.Load(dir.Segmenter, backend);
            using var generated = MaskPredictor.Load(dir.GeneratedPairsSegmenter, backend);
            var paper = SegmentationEvaluator.Evaluate(generated, test.Data, refine: new GrabCut.RefineOptions());
            var self = SegmentationEvaluator.Evaluate(predictor, test.Data, refine: new GrabCut.RefineOptions());
            Console.WriteLine(FormattableString.Invariant($"  U-Net on generated pairs (paper)  IoU {paper.Model.MeanIou:F3}  refined {paper.Refined!.Value.MeanIou:F3}"));
            Console.WriteLine(FormattableString.Invariant($"  U-Net self-trained on real images IoU {self.Model.MeanIou:F3}  refined {self.Refined!.Value.MeanIou:F3}"));
            Console.WriteLine(EvalCommand.ResultLine(self.Model));
        }
        return 0;
    }

    /// <summary>A box-level prior run: the round on its training crops, each label bounded by its box; `eval` scores the result.</summary>
    private static int RunOnBoxLevelRun(CliArguments args, RunDirectory dir)
    {
        var config = RunConfig<Gan.Prior.PriorConfig>.FromJson(File.ReadAllText(dir.Config), dir.Config);
        if (!config.Boxes) throw new UsageException($"selftrain: {dir.Root} is an independence-prior run without boxes; the round needs real images with boxes or an ILSGAN run");
        string data = args.Has("data") ? args.Required("data") : config.Data;
        var backend = DeviceOption.Open(args);
        using var stop = new StopSignal();
        var result = new SelfTrainingStage(dir, backend, Console.Out).Run(data, config.Segmenter with
        {
            Steps = args.Int("seg-steps", 1),
            Minutes = args.Has("minutes") ? args.Double("minutes", 0.01) : null,
        }, config.Gan.Seed, stop, boxes: true, fromCurrent: args.Flag("from-current"));
        Console.WriteLine(FormattableString.Invariant($"self-trained U-Net at {result.Size} px on {result.Labelled} box crops; score it with kernelgan eval --run {dir.Root} --data DIR"));
        return 0;
    }
}
