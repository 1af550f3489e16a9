using System.Diagnostics;
using KernelGan.Gan.Ilsgan;
using KernelGan.Gan.Models;
using KernelGan.Kernels;

namespace KernelGan.Cli.Commands;

/// <summary>
/// Quick timings from the command line: a full ref64 train step, the training loop around it
/// (<see cref="LoopBenchmark"/>), or a GEMM. (BenchmarkDotNet suites with statistics live in
/// bench/.) Times are wall-clock after warm-up, with the device synchronized around each step.
/// </summary>
public sealed class BenchCommand : ICommand
{
    public string Name => "bench";
    public string Summary => "time a train step (bench step), the training loop beside it (bench loop), break the step down by kernel (bench profile), a GEMM (bench gemm), ref64's conv layers (bench conv) or the CPU's multiply-add peak, their roofline (bench peak)";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("config", "architecture preset of the step: ref64|small|wide|style (profile also: unet, the segmenter's step)", "ref64", ValueName: "NAME"),
        new("width", "U-Net width (profile --config unet)", "16", ValueName: "C"),
        new("batch", "images per step (step, conv)", "32", ValueName: "N"),
        new("size", "image size of the step (32, 64 or 128)", "64", ValueName: "PX"),
        new("steps", $"timed repetitions: 10; loop: {LoopBenchmark.DefaultSteps} per round", null, ValueName: "N"),
        new("warmup", $"untimed repetitions first (JIT, pools, caches): step, profile and loop {LoopBenchmark.DefaultWarmup}, since .NET's tiered JIT needs more than 100 steps to reach steady state; gemm and conv 3 (conv: per kernel, after 1.5 s of the whole table untimed; 0 skips both)", null, ValueName: "N"),
        new("data", "loop: training images, synthetic or a folder with images/", "synthetic", ValueName: "SPEC"),
        new("rounds", "loop: the figures are timed in turns, this many rounds of --steps each (the median round is reported)", $"{LoopBenchmark.DefaultRounds}", ValueName: "N"),
        new("stats-every", "loop: read the step statistics back every N steps, as train --stats-every", null, ValueName: "N"),
        new("r1", "loop: also time the loop with the lazy R1 penalty at this gamma, as train's default 1 runs it (bench step and the first loop have R1 off, DESIGN.md's benchmark step)", null, ValueName: "GAMMA"),
        new("baseline", "loop: also time the loop as before packed updates and batched statistics (per-tensor Adam/EMA, statistics read every step)", IsFlag: true),
        new("run", "profile: the ILSGAN step of a saved run (its config, checkpoint and data) instead of a fresh model", null, ValueName: "DIR"),
        new("denormals", "profile: also count subnormal floats in every convolution's operands (a few extra untimed steps)", IsFlag: true),
        new("n", "GEMM size: n x n times n x n", "1024", ValueName: "N"),
        DeviceOption.Spec("cpu"),
        DeviceOption.PrecisionSpec(),
    ];

    public int Run(CliArguments args) => throw new UsageException("bench: name what to time: 'kernelgan bench step', 'loop', 'profile', 'gemm', 'conv' or 'peak'");

    /// <summary>--warmup of the conv and gemm benchmarks: their hot kernels run many times per repetition, so they tier up within it.</summary>
    private static int Warmup(CliArguments args) => args.IntOr("warmup", 3, 0);

    /// <summary>
    /// --warmup of the step and profile benchmarks: a step's own methods run once per step, and
    /// before .NET's tiered JIT recompiles them (after ~30 calls, in the background) a step on the
    /// CPU is timed on unoptimized code: small/32 px on AVX2 measured 35-44 ms after 3 warm-up
    /// steps, 19.5 after 50 and 16.6 after 150.
    /// </summary>
    private static int StepWarmup(CliArguments args) => args.IntOr("warmup", LoopBenchmark.DefaultWarmup, 0);

    /// <summary>--steps of the step, profile, conv and gemm benchmarks (bench loop has its own default).</summary>
    private static int Steps(CliArguments args) => args.IntOr("steps", 10, 1);

    /// <summary>Dispatches on the word after 'bench'.</summary>
    public int Run(string what, CliArguments args) => what switch
    {
        "step" => Step(args),
        "loop" => LoopBenchmark.Run(args),
        "gemm" => Gemm(args),
        "peak" => Peak(args),
        "profile" when args.Has("run") => RefuseShapeOptionsWithRun(args) ?? Profiling.StepProfiler.RunSaved(DeviceOption.Open(args), args.Required("run"), Steps(args), StepWarmup(args), args.Flag("denormals")),
        "profile" => args.Required("config") == "unet"
            ? Profiling.StepProfiler.RunUNet(DeviceOption.Open(args), args.Int("size", 8, 1024), args.Int("batch", 1, 4096), args.Int("width", 1, 1024), Steps(args), StepWarmup(args))
            : Profiling.StepProfiler.Run(DeviceOption.Open(args), Architecture.Preset(args.Required("config"), args.Int("size")),
                args.Int("batch", 1, 4096), Steps(args), StepWarmup(args), args.Flag("denormals")),
        "conv" => ConvLayersBenchmark.Run(DeviceOption.Open(args), args.Int("batch", 1, 4096), Steps(args), Warmup(args)),
        _ => throw new UsageException($"bench: unknown benchmark '{what}' (expected step, loop, profile, gemm, conv or peak)"),
    };

    /// <summary>
    /// profile --run times the saved run's own step (its architecture, size and batch): a shape
    /// option beside it would be ignored, so it is refused. Returns null when none was given.
    /// </summary>
    private static int? RefuseShapeOptionsWithRun(CliArguments args) =>
        new[] { "config", "size", "batch", "width" }.FirstOrDefault(args.Given) is { } option
            ? throw new UsageException($"bench profile: --{option} does not apply with --run (the saved run's own model, size and batch are timed)")
            : null;

    private static int Step(CliArguments args)
    {
        var backend = DeviceOption.Open(args);
        int batch = args.Int("batch", 1, 4096), steps = Steps(args), warmup = StepWarmup(args);
        var arch = Architecture.Preset(args.Required("config"), args.Int("size"));
        // DESIGN.md's benchmark step: ILSGAN generator loss with sigma = 1 throughout.
        var config = new IlsganConfig { Architecture = arch, Batch = batch, SigmaEarly = 1f, SigmaLate = 1f };
        var trainer = new IlsganTrainer(config, backend);
        using var real = new Rng(99).Uniform([batch, 3, arch.ImageSize, arch.ImageSize], -1f, 1f, backend);
        Console.WriteLine($"bench step: {arch.Name} at {arch.ImageSize}x{arch.ImageSize}, batch {batch}, device {backend.Name}");
        Console.WriteLine($"  G {trainer.Generator.ParameterCount:N0} parameters, D {trainer.Discriminator.ParameterCount:N0}");
        var times = StepTimer.Time(trainer, real, warmup, steps, backend, (i, warm, ms, stats) =>
            Console.WriteLine($"  {(warm ? "warmup" : "step")} {i + 1}: {ms:F1} ms  (loss_d {stats.LossD:F3}, loss_g {stats.LossG:F3})"));
        times.Sort();
        double median = times[times.Count / 2];
        Console.WriteLine($"  mean {times.Average():F1} ms, min {times[0]:F1} ms, max {times[^1]:F1} ms over {times.Count} steps");
        Console.WriteLine($"ms/step: {median:F1}");
        return 0;
    }

    /// <summary>The CPU's multiply-add peak on the path in use (<see cref="KernelGan.Kernels.Cpu.MultiplyAddPeak"/>), best of --steps runs of half a second.</summary>
    private static int Peak(CliArguments args)
    {
        var backend = DeviceOption.Open(args);
        if (backend is not KernelGan.Kernels.Cpu.CpuBackend)
            throw new UsageException($"bench peak: measures the CPU, not {backend.Name}; run it with --device cpu");
        int threads = KernelGan.Kernels.Cpu.CpuParallel.Workers, runs = args.IntOr("steps", 3, 1);
        var rates = Enumerable.Range(0, runs).Select(_ => KernelGan.Kernels.Cpu.MultiplyAddPeak.Measure(threads, 0.5)).ToList();
        Console.WriteLine($"bench peak: {KernelGan.Kernels.Cpu.MultiplyAddPeak.Chains} independent multiply-add chains per core on {threads} cores, {backend.Name}");
        Console.WriteLine($"  runs of 0.5 s: {string.Join(", ", rates.Select(r => r.ToString("F1")))} GFLOP/s");
        Console.WriteLine($"GFLOP/s: {rates.Max():F1}");
        return 0;
    }

    private static int Gemm(CliArguments args)
    {
        var backend = DeviceOption.Open(args);
        int n = args.Int("n", 1, 16384), steps = Steps(args), warmup = Warmup(args);
        using var a = new Rng(1).Normal([n, n], backend: backend);
        using var b = new Rng(2).Normal([n, n], backend: backend);
        using var c = Tensor.Zeros([n, n], backend);
        var times = new List<double>();
        for (int i = 0; i < warmup + steps; i++)
        {
            backend.Synchronize();
            var sw = Stopwatch.StartNew();
            backend.Gemm(false, false, n, n, n, 1f, a.Buffer, 0, n, 0, b.Buffer, 0, n, 0, 0f, c.Buffer, 0, n, 0);
            backend.Synchronize();
            if (i >= warmup) times.Add(sw.Elapsed.TotalSeconds);
        }
        times.Sort();
        double best = times[0], median = times[times.Count / 2];
        Console.WriteLine($"bench gemm: {n}x{n}x{n} {DeviceOption.Precision(args).Name()} inputs, fp32 accumulation, on {backend.Name}");
        Console.WriteLine($"  median {median * 1e3:F2} ms, best {best * 1e3:F2} ms over {times.Count} runs");
        Console.WriteLine($"GFLOP/s: {2.0 * n * n * n / median / 1e9:F1}");
        return 0;
    }
}
