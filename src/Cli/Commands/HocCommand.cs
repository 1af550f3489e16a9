using KernelGan.Gan.Data;
using KernelGan.Gan.Hoc;
using KernelGan.Gan.Training;

namespace KernelGan.Cli.Commands;

/// <summary>
/// `kernelgan hoc`: instances from ONE image of a homogeneous object cluster (the independence
/// prior's case 2). Trains the multi-instance GAN on random crops of the image, then an instance
/// segmenter on its generated composites, and writes one mask per instance found.
/// </summary>
public sealed class HocCommand : ICommand
{
    public string Name => "hoc";
    public string Summary => "find the instances in one image of many similar objects (independence prior, no labels)";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("image", $"the image (.png/.jpg), or {HocConfig.SyntheticImage} for the built-in scene with known instances", null, ValueName: "IMG"),
        new("out", "run directory to create (or to continue with --resume)", null, ValueName: "RUN"),
        new("truth", "a folder of the image's true instances, one mask PNG each at the image's size: the run scores the instances it finds against them", null, ValueName: "DIR"),
        new("minutes", "wall-clock budget of the whole run (GAN, segmenter, output)", "15", ValueName: "M"),
        new("instances", "instance slots per crop (K)", "4", ValueName: "K"),
        new("work-size", "longer side of the image at the working scale, in pixels", "128", ValueName: "PX"),
        new("crop", "crop (canvas) size: 16, 32 or 64", "32", ValueName: "PX"),
        new("steps", "upper bound on GAN steps (the time budget usually ends training first)", "100000", ValueName: "N"),
        new("seg-steps", "upper bound on instance-segmenter steps", "800", ValueName: "N"),
        new("seg-pairs", "generated composites for the instance segmenter", "4096", ValueName: "N"),
        new("batch", "images per GAN step", "32", ValueName: "N"),
        new("bg-grid", "background provider: G x G smooth colour grid", "2", ValueName: "G"),
        new("bg-detail", "background provider: amplitude cap of its full-resolution detail layer (0 = smooth only)", "0.2", ValueName: "A"),
        new("independence", "explicit independence term: mine|none", "none", ValueName: "TERM"),
        new("layout", "what the layout module poses from: noise, or instance (noise and the instance it places, as the paper's)", "noise", ValueName: "noise|instance"),
        new("seed", "random seed (same seed, same run)", "1", ValueName: "N"),
        new("scene-seed", $"which built-in scene --image {HocConfig.SyntheticImage} renders", "0", ValueName: "N"),
        new("sample-every", "write a sample grid every N GAN steps", "500", ValueName: "N"),
        new("checkpoint-every", "write a checkpoint every N GAN steps", "500", ValueName: "N"),
        new("resume", "continue the run in --out from its last GAN checkpoint", IsFlag: true),
        new("segment-only", "reuse the run in --out: segment its image (or --image) with its instance segmenter, no training", IsFlag: true),
        DeviceOption.Spec(),
    ];

    public int Run(CliArguments args)
    {
        var dir = new RunDirectory(args.Required("out"));
        if (args.Flag("segment-only")) return SegmentOnly(args, dir);
        var config = args.Flag("resume") ? Resumed(args, dir) : Fresh(args, dir);
        var backend = KernelGan.Device.Open(config.Device);
        // Read the image before creating anything, so a bad --image leaves no half-made run behind.
        HocImage.Load(config.Image, config.SyntheticSeed, config.Truth).AtWorkingScale(config.WorkSize, config.Prior.Architecture.CanvasSize);
        dir.Create();
        if (!args.Flag("resume")) AtomicFile.WriteAllBytes(dir.Config, System.Text.Encoding.UTF8.GetBytes(config.ToJson()));
        Console.WriteLine($"kernelgan hoc: {config.Image} -> {dir.Root} on {backend.Name}, budget {config.Minutes} min");
        using var stop = new StopSignal();
        var outcome = new HocPipeline(config, dir, backend, Console.Out).Run(stop, args.Flag("resume"));
        if (outcome.Interrupted) return 130;
        Console.WriteLine($"report: {dir.Report}");
        if (outcome.Score is null) Console.WriteLine($"instances={outcome.Labels.Count}"); // with a truth, the pipeline printed the match line
        return 0;
    }

    private static int SegmentOnly(CliArguments args, RunDirectory dir)
    {
        if (!File.Exists(dir.Config)) throw new UsageException($"hoc: --segment-only needs a finished run, but {dir.Config} does not exist");
        var config = HocConfig.FromJson(File.ReadAllText(dir.Config), dir.Config);
        var backend = DeviceOption.Open(args);
        var outcome = new HocPipeline(config, dir, backend, Console.Out).SegmentOnly(args.String("image"), args.String("truth"));
        if (outcome.Score is null) Console.WriteLine($"instances={outcome.Labels.Count}");
        return 0;
    }

    private static HocConfig Fresh(CliArguments args, RunDirectory dir)
    {
        if (File.Exists(dir.Checkpoint) || File.Exists(dir.Config))
            throw new UsageException($"hoc: {dir.Root} already holds a run; continue it with --resume or choose another --out");
        int crop = args.Choice("crop", ("16", 16), ("32", 32), ("64", 64));
        var prior = HocConfig.DefaultPrior(args.Int("instances", 1, 16), crop, (ulong)args.Int("seed", 0));
        prior = prior with
        {
            Architecture = prior.Architecture with
            {
                BackgroundGrid = args.Int("bg-grid", 1, crop),
                BackgroundDetail = (float)args.Double("bg-detail", 0, 1),
                LayoutSeesInstance = args.Choice("layout", ("noise", false), ("instance", true)),
            },
            Batch = args.Int("batch", 2, 1024),
            Independence = args.Choice("independence", ("mine", IndependenceTerm.Mine), ("none", IndependenceTerm.None)),
        };
        return new HocConfig
        {
            Image = args.Required("image"),
            Truth = args.String("truth"),
            WorkSize = args.Int("work-size", 16, 4096),
            Prior = prior,
            GanSteps = args.Int("steps", 1),
            Minutes = args.Double("minutes", 0.05, 10000),
            Segmenter = new InstanceSegmenterConfig { Steps = args.Int("seg-steps", 1), Pairs = args.Int("seg-pairs", 20, 1_000_000), ValidateEvery = Math.Min(100, args.Int("seg-steps", 1)) },
            SampleEvery = args.Int("sample-every", 1),
            CheckpointEvery = args.Int("checkpoint-every", 1),
            SyntheticSeed = args.Int("scene-seed", 0),
            Device = args.Required("device"),
        };
    }

    /// <summary>The saved configuration, with --steps, --minutes and --device allowed to change.</summary>
    private static HocConfig Resumed(CliArguments args, RunDirectory dir)
    {
        args.RejectAllBut("on --resume", "out", "resume", "steps", "minutes", "device");
        if (!File.Exists(dir.Config)) throw new UsageException($"hoc: --resume needs an existing run, but {dir.Config} does not exist");
        var saved = HocConfig.FromJson(File.ReadAllText(dir.Config), dir.Config);
        return saved with
        {
            GanSteps = args.Given("steps") ? args.Int("steps", 1) : saved.GanSteps,
            Minutes = args.Given("minutes") ? args.Double("minutes", 0.05, 10000) : saved.Minutes,
            Device = args.Required("device"),
        };
    }
}
