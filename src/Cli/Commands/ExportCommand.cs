using KernelGan.Gan.Data;
using KernelGan.Gan.Ilsgan;
using KernelGan.Gan.Ilsgan.Generation;
using KernelGan.Gan.Onnx;
using KernelGan.Gan.Onnx.Export;
using KernelGan.Gan.Prior;
using KernelGan.Gan.Segmentation;
using KernelGan.Gan.Training;

namespace KernelGan.Cli.Commands;

/// <summary>
/// `kernelgan export`: a run's segmenter or generator as an ONNX file that OnnxRuntime (or any
/// ONNX runtime) can run, written by our own protobuf writer (src/Gan/Onnx/). The generator's
/// batch norms are frozen first (see <see cref="GeneratorExport"/>).
/// </summary>
public sealed class ExportCommand : ICommand
{
    public string Name => "export";
    public string Summary => "write a run's segmenter or generator as an ONNX model";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("run", "run directory written by kernelgan train", null, ValueName: "RUN"),
        new("out", "the .onnx file to write (written to a temp file, then renamed)", null, ValueName: "FILE"),
        new("model", "segmenter (image in, mask probabilities out) | generator (ILSGAN runs: latents in, composite/fg/bg/mask out)", "segmenter", ValueName: "MODEL"),
        new("input", "segmenter input: float (NCHW in [-1,1]) | uint8-nchw | uint8-nhwc (0..255)", "float", ValueName: "KIND"),
        new("no-mirror", "segmenter: the U-Net's single answer, without the mirror averaging `segment` applies (half the work)", IsFlag: true),
        new("calibration-batches", "generator: batches of untruncated latents whose mean batch statistics the batch norms are frozen at", "16", ValueName: "K"),
        new("batch", "generator: latents per calibration batch (the training batch: statistics of batches this size)", "32", ValueName: "B"),
        new("seed", "generator: seed of the calibration latents", "1", ValueName: "S"),
        DeviceOption.Spec(),
    ];

    public int Run(CliArguments args)
    {
        var dir = new RunDirectory(args.Required("run"));
        string outPath = Path.GetFullPath(args.Required("out"));
        string model = args.Choice("model", ("segmenter", "segmenter"), ("generator", "generator"));
        if (!Directory.Exists(dir.Root)) throw DataException.ForPath(dir.Root, "no such run directory");
        if (Directory.Exists(outPath)) throw DataException.ForPath(outPath, "is a folder; --out names the .onnx file to write");
        var onnx = model == "segmenter" ? Segmenter(dir, args) : Generator(dir, args);
        OnnxModelWriter.WriteFile(outPath, onnx);
        Console.WriteLine($"wrote {outPath} ({new FileInfo(outPath).Length / 1e6:F1} MB, ONNX opset {onnx.DefaultOpset}): " +
                          $"inputs {Describe(onnx.Graph.Inputs)}; outputs {Describe(onnx.Graph.Outputs)}");
        return 0;
    }

    private static OnnxModel Segmenter(RunDirectory dir, CliArguments args)
    {
        if (!File.Exists(dir.Segmenter)) throw new CheckpointException($"{dir.Segmenter}: no segmenter in this run (did training finish?)");
        var options = new SegmenterExportOptions(
            args.Choice("input", ("float", SegmenterInput.Float), ("uint8-nchw", SegmenterInput.Uint8Nchw), ("uint8-nhwc", SegmenterInput.Uint8Nhwc)),
            MirrorAverage: !args.Flag("no-mirror"));
        using var predictor = MaskPredictor.Load(dir.Segmenter, Device.Cpu);
        var unet = predictor.Network;
        unet.Eval();
        Console.WriteLine($"export: the segmenter of {dir.Root} ({predictor.ImageSize}x{predictor.ImageSize})" +
                          (options.MirrorAverage ? ", mirror-averaged as `segment` computes" : ", single pass (no mirror averaging)"));
        return SegmenterExport.Build(unet, predictor.ImageSize, options,
            [new("kernelgan.model", "segmenter"), new("kernelgan.run", dir.Root), new("kernelgan.image_size", predictor.ImageSize.ToString())]);
    }

    private static OnnxModel Generator(RunDirectory dir, CliArguments args)
    {
        int batches = args.Int("calibration-batches", 1, 10_000), batch = args.Int("batch", 2, 4096);
        ulong seed = (ulong)args.Int("seed", 0);
        var ckpt = TrainedIlsgan.Open(dir, "export --model generator");
        var config = RunConfig<IlsganConfig>.FromJson(ckpt.Metadata["config"]!.ToJsonString(), dir.Checkpoint);
        var backend = DeviceOption.Open(args);
        var trainer = new IlsganTrainer(config.Gan, backend);
        IlsganRun.RestoreFrom(ckpt, trainer);
        var g = trainer.GeneratorEma;
        GeneratorExport.CheckExportable(g);
        string frozen = $"frozen at the mean batch statistics of {batches} batches of {batch} untruncated latents (seed {seed})";
        Console.WriteLine($"export: the EMA generator of {dir.Checkpoint} (step {trainer.Step}, {config.Gan.Architecture.Name} {config.Gan.Architecture.ImageSize}px, " +
                          $"{(g.SharedLatent ? "one shared latent" : "one latent per layer")}); batch norms {frozen}");
        BatchNormCalibration.Calibrate(g, new Rng(SeedStreams.BatchNormCalibration(seed)), batches, batch, backend);
        return GeneratorExport.Build(g,
            [new("kernelgan.model", "generator"), new("kernelgan.run", dir.Root), new("kernelgan.step", trainer.Step.ToString()),
             new("kernelgan.batch_norm", frozen)]);
    }

    private static string Describe(IEnumerable<OnnxValueInfo> values) =>
        string.Join(", ", values.Select(v => $"{v.Name} {v.ElementType.ToString().ToLowerInvariant()}[{string.Join(",", v.Shape ?? [])}]"));
}
