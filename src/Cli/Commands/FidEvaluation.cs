using KernelGan.Gan.Data;
using KernelGan.Gan.Ilsgan.Generation;
using KernelGan.Gan.Metrics;
using KernelGan.Gan.Training;

namespace KernelGan.Cli.Commands;

/// <summary>
/// `kernelgan eval --fid`: FID and KID of a run's EMA generator against real images, through the
/// feature network the user gives (--features FILE.onnx). Without one it refuses in one line: it
/// never substitutes another network or a number of its own.
/// </summary>
internal static class FidEvaluation
{
    /// <summary>Why there is no FID without --features, and how to get one; one line.</summary>
    public const string NotAvailable =
        "eval --fid: FID is not available: no feature network given. FID and KID compare features of a fixed network " +
        "(the standard is Inception-v3's 2048-d pool3 features) and nothing here downloads its weights; export them to ONNX " +
        "(e.g. the pytorch-fid weights) and pass --features FILE.onnx";

    public static int Run(CliArguments args)
    {
        if (!args.Has("features")) throw new UsageException(NotAvailable);
        foreach (var option in new[] { "mi", "mi-steps" })
            if (args.Given(option)) throw new UsageException($"eval: --{option} belongs to the segmenter's evaluation, not --fid");
        var dir = new RunDirectory(args.Required("run"));
        var ckpt = TrainedIlsgan.Open(dir, "eval --fid");
        var config = TrainedIlsgan.Config(ckpt, dir.Checkpoint);
        string spec = args.String("data") ?? config.Data;
        ulong seed = (ulong)args.Int("seed", 0);
        int? requested = args.Has("fid-n") ? args.Int("fid-n", 2, 1_000_000) : null;

        var backend = DeviceOption.Open(args);
        using var network = FeatureNetworks.Open(args.Required("features"), backend);
        var trainer = TrainedIlsgan.Restore(ckpt, dir.Checkpoint, backend);
        int size = config.Gan.Architecture.ImageSize;
        // The real images at the generator's own size: both sides then reach the network through
        // the same resolution and the same resize.
        var data = DatasetFactory.Open(spec, size, DataSplit.Train,
            progress: new InlineProgress<int>(n => { if (n % 1000 == 0) Console.WriteLine($"  decoded {n} images"); }));
        if (data.Count == 0) throw new DataException($"{spec}: no images");
        int count = requested ?? GeneratorImageQuality.DefaultCountFor(data);
        if (count < 2) throw new DataException($"{spec}: FID needs at least two real images, found {data.Count}");

        Console.WriteLine($"eval --fid: {count} samples of the EMA generator (G_ema) of {dir.Checkpoint} (step {trainer.Step}) " +
                          $"against {Math.Min(count, data.Count)} real images of {spec}, at {size}x{size} resized to " +
                          $"{network.InputSize}x{network.InputSize}, {network.FeatureCount} features each, on {backend.Name}");
        var scores = GeneratorImageQuality.Measure(trainer.GeneratorEma, data, count, seed, network, backend, Console.Out);
        Console.WriteLine(scores.FidLine);
        Console.WriteLine(scores.KidLine);
        return 0;
    }
}
