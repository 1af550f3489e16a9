using System.Diagnostics;
using KernelGan.Gan.Data;
using KernelGan.Gan.Ilsgan;
using KernelGan.Gan.Training;
using KernelGan.Gan.Models;
using KernelGan.Gan.Segmentation;
using KernelGan.Nn.Optim;
using KernelGan.Kernels;
using KernelGan.Kernels.Cpu;

namespace KernelGan.Cli.Profiling;

/// <summary>
/// Breaks a train step (the one `kernelgan bench step` times, ref64 unless --config/--size say otherwise;
/// or with --config unet the segmenter's U-Net step, as `train` runs it after the GAN) down by kernel: runs it on
/// <see cref="ProfilingBackend"/> over the chosen backend and prints milliseconds per step for each op
/// family and for the costliest individual shapes, plus the time spent outside kernels.
/// The profiler synchronizes the device after every call, so on a GPU each kernel's time includes
/// one launch and one wait: the families' shares are what to read, not their sum.
/// Usage: <c>kernelgan bench profile [--config NAME|unet] [--size PX] [--run DIR] [--denormals] [--steps N] [--batch N] [--device NAME]</c>.
/// </summary>
public static class StepProfiler
{
    /// <summary>Steps whose convolution operands `--denormals` counts.</summary>
    private const int CensusSteps = 4;

    /// <summary>A step to time: built once per backend (plain, then profiled), then called repeatedly.</summary>
    public delegate Action StepFactory(IBackend backend);

    /// <summary>The ILSGAN train step of <paramref name="arch"/> (DESIGN.md's benchmark step: sigma 1 throughout).</summary>
    public static int Run(IBackend backend, Architecture arch, int batch, int steps, int warmup, bool denormals = false)
    {
        var config = new IlsganConfig { Architecture = arch, Batch = batch, SigmaEarly = 1f, SigmaLate = 1f };
        return Run(backend, $"{arch.Name} train step at {arch.ImageSize}x{arch.ImageSize}, batch {batch}", steps, warmup, b =>
        {
            var trainer = new IlsganTrainer(config, b);
            var real = new Rng(99).Uniform([batch, 3, arch.ImageSize, arch.ImageSize], -1f, 1f, b);
            return () => trainer.TrainStep(real);
        }, denormals);
    }

    /// <summary>
    /// The ILSGAN step of a saved run (`bench profile --run DIR`): the run's config, its checkpoint's
    /// weights, optimizer moments and schedule, and batches of its own training data, so a profile
    /// shows what a step costs on a trained model rather than a fresh one. Each timed step trains
    /// on, from a copy of the state in memory (nothing is written to the run).
    /// </summary>
    public static int RunSaved(IBackend backend, string runDir, int steps, int warmup, bool denormals = false)
    {
        var dir = new RunDirectory(runDir);
        if (!File.Exists(dir.Config)) throw new UsageException($"bench profile: --run {runDir} holds no config.json");
        if (!File.Exists(dir.Checkpoint)) throw new UsageException($"bench profile: --run {runDir} holds no checkpoint.kgc");
        var config = RunConfig<IlsganConfig>.FromJson(File.ReadAllText(dir.Config), dir.Config);
        var ckpt = Checkpoint.Load(dir.Checkpoint);
        var arch = config.Gan.Architecture;
        var dataset = DatasetFactory.Open(config.Data, arch.ImageSize, DataSplit.Train);
        long savedStep = ckpt.Metadata["step"]!.GetValue<long>();
        return Run(backend, $"{arch.Name} train step at {arch.ImageSize}x{arch.ImageSize}, batch {config.Gan.Batch}, from {dir.Checkpoint} (step {savedStep}, data {config.Data})", steps, warmup, b =>
        {
            var trainer = new IlsganTrainer(config.Gan, b);
            IlsganRun.RestoreFrom(ckpt, trainer);
            // Batches are built on the step's own thread (Build), so the loader needs no prefetch.
            var loader = new ImageBatchLoader(dataset, config.Gan.Batch, (long)config.Gan.Seed, SamplingMode.EpochShuffle, randomFlip: true, prefetch: false);
            int size = arch.ImageSize;
            return () =>
            {
                using var scope = new TensorScope();
                var batch = loader.Build(trainer.Step);
                trainer.TrainStep(Tensor.FromArray(batch.Images, [config.Gan.Batch, 3, size, size], b));
            };
        }, denormals);
    }

    /// <summary>The segmenter's step: a U-Net of <paramref name="width"/> (train's default 16) on random images and masks, BCE, Adam.</summary>
    public static int RunUNet(IBackend backend, int size, int batch, int width, int steps, int warmup) =>
        Run(backend, $"U-Net (width {width}) segmenter step at {size}x{size}, batch {batch}", steps, warmup, b =>
        {
            var unet = new UNet(b, new Rng(1), 3, width);
            var adam = new Adam(unet.Parameters(), 1e-3f, 0.9f, 0.999f);
            var random = new Rng(99);
            float[] images = random.Uniform([batch, 3, size, size], 0f, 1f).ToArray();
            float[] masks = [.. random.Uniform([batch, 1, size, size], 0f, 1f).ToArray().Select(v => v < 0.3f ? 1f : 0f)];
            return () => UNetFitting.Step(unet, adam, images, masks, batch, 1, size, b);
        });

    private static int Run(IBackend backend, string what, int steps, int warmup, StepFactory newStep, bool denormals = false)
    {
        long allocated0 = GC.GetTotalAllocatedBytes(precise: true);
        int gen0 = GC.CollectionCount(0), gen2 = GC.CollectionCount(2);
        double plain = MedianStep(backend, newStep, warmup, steps, out _, out double cpuMs);
        double allocatedMb = (GC.GetTotalAllocatedBytes(precise: true) - allocated0) / 1e6 / (warmup + steps);
        double gen0PerStep = (GC.CollectionCount(0) - gen0) / (double)(warmup + steps), gen2PerStep = (GC.CollectionCount(2) - gen2) / (double)(warmup + steps);
        var profiled = new ProfilingBackend(backend);
        double withProfiler = MedianStep(profiled, newStep, warmup, steps, out double total, out _, census: denormals ? new DenormalCensus() : null);

        Console.WriteLine($"{what}, {backend.Name}, {steps} steps after {warmup} warm-up");
        Console.WriteLine($"median step {plain:F1} ms without the profiler, {withProfiler:F1} ms with it");
        // CPU time is what the step costs regardless of other load on the machine; wall time on an
        // idle machine is about this divided by the cores when the kernels scale.
        Console.WriteLine($"process CPU time {cpuMs:F1} ms per step (user + system, all threads); load average {LoadAverage()}");
        Console.WriteLine($"managed allocations {allocatedMb:F2} MB per step (incl. warm-up), GCs per step: gen0 {gen0PerStep:F2}, gen2 {gen2PerStep:F2}");
        double perStep = 1000.0 / Stopwatch.Frequency / steps;
        var entries = profiled.Entries.Select(e => (Key: e.Key, e.Value.Calls, Ms: e.Value.Ticks * perStep, Flops: e.Value.Flops / steps)).ToList();
        double kernels = entries.Sum(e => e.Ms);
        double stepMean = total / steps;

        Console.WriteLine();
        Console.WriteLine($"{"family",-22} {"calls/step",10} {"ms/step",9} {"% step",7} {"GFLOP/s",8}");
        foreach (var f in entries.GroupBy(e => Family(e.Key)).OrderByDescending(g => g.Sum(e => e.Ms)))
            Row(f.Key, f.Sum(e => e.Calls) / (double)steps, f.Sum(e => e.Ms), f.Sum(e => e.Flops), stepMean);
        Row("(outside kernels)", 0, stepMean - kernels, 0, stepMean);

        Console.WriteLine();
        Console.WriteLine("costliest shapes:");
        foreach (var e in entries.OrderByDescending(e => e.Ms).Take(30))
            Row(e.Key, e.Calls / (double)steps, e.Ms, e.Flops, stepMean, 60);
        profiled.Census?.Print(Console.Out);
        return 0;
    }

    /// <param name="flops">Per step, like <paramref name="ms"/>.</param>
    private static void Row(string name, double calls, double ms, double flops, double stepMs, int width = 22)
    {
        string rate = flops > 0 ? (flops / 1e9 / (ms / 1e3)).ToString("F1") : "";
        Console.WriteLine($"{name.PadRight(width)} {calls,10:F1} {ms,9:F2} {100 * ms / stepMs,6:F1}% {rate,8}");
    }

    /// <summary>"conv.fwd N32 ..." -> "conv.fwd"; "unary.Tanh n..." -> "unary.Tanh".</summary>
    private static string Family(string key) => key.Split(' ')[0];

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <param name="census">Counts subnormal operands on <see cref="CensusSteps"/> more steps after the timed ones.</param>
    private static double MedianStep(IBackend backend, StepFactory newStep, int warmup, int steps, out double totalMs, out double cpuMsPerStep, DenormalCensus? census = null)
    {
        var step = newStep(backend);
        var times = new List<double>();
        var cpuStart = TimeSpan.Zero;
        for (int i = 0; i < warmup + steps; i++)
        {
            if (i == warmup) cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
            if (backend is ProfilingBackend p) p.Recording = i >= warmup;
            var sw = Stopwatch.StartNew();
            step();
            backend.Synchronize();
            if (i >= warmup) times.Add(sw.Elapsed.TotalMilliseconds);
        }
        cpuMsPerStep = (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalMilliseconds / steps;
        if (backend is ProfilingBackend q)
        {
            q.Recording = false;
            q.Census = census;
            if (census is not null)
                for (int i = 0; i < CensusSteps; i++) { step(); backend.Synchronize(); }
        }
        totalMs = times.Sum();
        times.Sort();
        return times[times.Count / 2];
    }

}
