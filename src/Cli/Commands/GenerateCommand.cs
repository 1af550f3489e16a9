using KernelGan.Gan.Data;
using KernelGan.Gan.Ilsgan.Generation;
using KernelGan.Gan.Training;

namespace KernelGan.Cli.Commands;

/// <summary>
/// `kernelgan generate`: a synthetic image/mask dataset from a trained ILSGAN run (the official
/// pipeline's dataset step), from the run's EMA generator, optionally only the K pairs the run's
/// discriminator scores as most real. The folder it writes is a folder dataset with masks, which
/// `train --resume --seg-pairs-from DIR` can train the run's segmenter on.
/// </summary>
public sealed class GenerateCommand : ICommand
{
    public string Name => "generate";
    public string Summary => "write N generated images and their masks (and layers) as PNGs from a trained run";

    private const int MaxCount = 1_000_000; // file names are six digits

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("run", "run directory written by kernelgan train (ILSGAN)", null, ValueName: "RUN"),
        new("n", "how many samples to generate", null, ValueName: "N"),
        new("out", "folder to write images/ and masks/ into (must not hold images/ already)", null, ValueName: "DIR"),
        new("layers", "also write the foreground and background layers (fg/, bg/)", IsFlag: true),
        new("truncation", "scale every latent toward the prior's mean 0 by PSI (1 = off; <1: more typical, less varied; batch norms are then frozen on untruncated latents)", "1", ValueName: "PSI"),
        new("topk", "keep only the K samples the run's discriminator scores as most real (writes scores.csv)", null, ValueName: "K"),
        new("seed", "random seed of the latents (same seed, batch and PSI: the same files)", "1", ValueName: "S"),
        new("batch", "samples per generator call (in batch-statistics mode a sample depends on its batch)", "32", ValueName: "B"),
        DeviceOption.Spec(),
    ];

    public int Run(CliArguments args)
    {
        string runPath = args.Required("run"), outDir = args.Required("out");
        int count = args.Int("n", 1, MaxCount);
        var options = new GenerateOptions(
            count, args.Int("batch", 2, 4096), (float)args.Double("truncation", 0, 2),
            args.Has("topk") ? args.Int("topk", 1, count) : null, args.Flag("layers"), (ulong)args.Int("seed", 0));

        var dir = new RunDirectory(runPath);
        var ckpt = TrainedIlsgan.Open(dir, Name);
        string imagesOut = Path.Combine(outDir, "images");
        if (Directory.Exists(imagesOut) && Directory.EnumerateFileSystemEntries(imagesOut).Any())
            throw DataException.ForPath(Path.GetFullPath(imagesOut), "already holds files; choose another --out or remove them, so old and new samples do not mix");

        var backend = DeviceOption.Open(args);
        var trainer = TrainedIlsgan.Restore(ckpt, dir.Checkpoint, backend);

        int size = trainer.Config.Architecture.ImageSize;
        Console.WriteLine($"generate: {count} samples at {size}x{size} from {dir.Checkpoint} (step {trainer.Step}), " +
                          $"EMA generator (G_ema), on {backend.Name} -> {Path.GetFullPath(outDir)}" +
                          (options.TopK is int k ? $"; keeping the {k} the discriminator scores highest" : ""));
        var result = new GeneratedSetWriter(trainer.GeneratorEma, trainer.Discriminator, backend, Console.Out).Write(outDir, options);
        string kept = result.LowestKeptScore is float low ? FormattableString.Invariant($" (top {result.Written} of {result.Generated} by D score, lowest kept {low:F4}; scores.csv)") : "";
        Console.WriteLine($"wrote {result.Written} image/mask pairs to {Path.GetFullPath(outDir)}{kept}");
        return 0;
    }
}
