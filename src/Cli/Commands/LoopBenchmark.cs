using KernelGan.Gan.Data;
using KernelGan.Gan.Ilsgan;
using KernelGan.Gan.Models;
using KernelGan.Gan.Training;
using KernelGan.Kernels;

namespace KernelGan.Cli.Commands;

/// <summary>
/// `kernelgan bench loop`: the real training loop (IlsganRun and GanTrainingLoop, as `train` runs
/// them: data loader, uploads, statistics read-back, EMA) on synthetic or folder data, beside the
/// bare step of `bench step` (a fixed device batch, the device synchronized around each step) in
/// the same process, and their ratio: how much of the step's speed the loop keeps. Each figure is
/// warmed up first: .NET's tiered JIT needs more than 100 steps to reach steady state (a step timed
/// after 5 warm-up steps took 35 ms, 16.6 ms at steady state), hence the default of 150. Then the
/// figures are timed in turns, --rounds times (step, loop, baseline, step, loop, ...), so a change
/// in the machine's load or a late JIT tier lands on all of them rather than on whichever ran last;
/// each figure's median round is reported. Each loop reads its own instance of the dataset, from
/// the same steps: both build (and, for the built-in sets, render) the same images, as a run's
/// first epoch does. With --baseline a third figure: the loop as it ran
/// before packed updates and batched statistics (per-tensor Adam and EMA, statistics read every step).
/// With --r1 another: the loop with the lazy R1 penalty train applies by default (gamma 1), which the
/// benchmark step leaves out.
/// </summary>
public static class LoopBenchmark
{
    public const int DefaultWarmup = 150;
    public const int DefaultSteps = 50;
    public const int DefaultRounds = 3;

    public static int Run(CliArguments args)
    {
        var backend = DeviceOption.Open(args);
        int batch = args.Int("batch", 1, 4096);
        int warmup = args.IntOr("warmup", DefaultWarmup, 0), steps = args.IntOr("steps", DefaultSteps, 1), rounds = args.Int("rounds", 1, 1000);
        int statsEvery = args.IntOr("stats-every", RunSchedule.DefaultStatsEvery, 1);
        var arch = Architecture.Preset(args.Required("config"), args.Int("size"));
        string data = args.Required("data");
        // The step of `bench step` (DESIGN.md's benchmark step: sigma = 1 throughout).
        var config = new IlsganConfig { Architecture = arch, Batch = batch, SigmaEarly = 1f, SigmaLate = 1f };
        // One dataset per loop: the built-in sets keep the images they rendered, so a loop reading a
        // dataset another loop had read first would skip the rendering and look faster.
        IImageDataset OpenData()
        {
            var dataset = DatasetFactory.Open(data, arch.ImageSize, DataSplit.Train);
            return dataset.Count > 0 ? dataset : throw new DataException($"bench loop: {data} holds no training images");
        }
        var dataset = OpenData();
        Console.WriteLine($"bench loop: {arch.Name} at {arch.ImageSize}x{arch.ImageSize}, batch {batch}, data {data} ({dataset.Count} images), device {backend.Name}");
        Console.WriteLine($"  {warmup} warm-up steps per figure, then {rounds} rounds of {steps} timed steps per figure, in turns; statistics read back every {statsEvery} steps");

        int warmBatches = WarmUpBatches(OpenData(), batch);
        Console.WriteLine($"  batch preparation: {BatchMilliseconds(OpenData(), batch):F1} ms per batch (median of 5 on a fresh dataset, after {warmBatches} warm-up batches on another; built ahead on one background task chain)");
        var step = new BareStep(config, backend);
        using var loop = new TimedLoop(config, backend, dataset, data, statsEvery, baseline: false);
        using var before = args.Flag("baseline") ? new TimedLoop(config, backend, OpenData(), data, statsEvery: 1, baseline: true) : null;
        // train's default R1 (gamma 1, every 16th D step): what the penalty costs the main job's loop.
        float? r1 = args.Has("r1") ? (float)args.Double("r1", 0) : null;
        using var withR1 = r1 is { } gamma ? new TimedLoop(config with { R1Gamma = gamma }, backend, OpenData(), data, statsEvery, baseline: false) : null;
        step.Rate(warmup);
        loop.Rate(warmup);
        before?.Rate(warmup);
        withR1?.Rate(warmup);

        var stepRates = new List<double>();
        var loopRates = new List<double>();
        var beforeRates = new List<double>();
        var r1Rates = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            stepRates.Add(step.Rate(steps));
            loopRates.Add(loop.Rate(steps));
            if (before is not null) beforeRates.Add(before.Rate(steps));
            if (withR1 is not null) r1Rates.Add(withR1.Rate(steps));
            Console.WriteLine($"  round {r + 1}: step {stepRates[^1]:F1}, loop {loopRates[^1]:F1}" +
                              (before is null ? "" : $", baseline {beforeRates[^1]:F1}") +
                              (withR1 is null ? "" : $", loop with R1 {r1Rates[^1]:F1}") + " steps/s");
        }
        double stepRate = Median(stepRates), loopRate = Median(loopRates);
        Console.WriteLine($"  bare step (bench step):  {stepRate:F1} steps/s  ({1000 / stepRate:F2} ms; median round)");
        Console.WriteLine($"  training loop:           {loopRate:F1} steps/s  ({loopRate / stepRate:F3} of the step)");
        if (before is not null)
        {
            double beforeRate = Median(beforeRates);
            Console.WriteLine($"  loop, baseline:          {beforeRate:F1} steps/s  ({beforeRate / stepRate:F3} of the step; per-tensor Adam/EMA, statistics read every step)");
        }
        if (withR1 is not null)
        {
            // Rounds pair up: each round's R1 loop ran right after its plain loop, so their ratio
            // per round cancels most of a shared host's drift; the median of those ratios is reported.
            var perRound = r1Rates.Zip(loopRates, (a, b) => a / b).ToList();
            double r1Rate = Median(r1Rates);
            Console.WriteLine($"  {$"training loop, R1 {r1:G}:",-25}{r1Rate:F1} steps/s  ({r1Rate / stepRate:F3} of the step; {Median(perRound):F3} of the loop without R1, median of the rounds' ratios)");
        }
        Console.WriteLine($"loop/step: {loopRate / stepRate:F3}");
        return 0;
    }

    /// <summary>Time the batch path is run untimed first: long enough for the tiered JIT to replace its first copies.</summary>
    private static readonly TimeSpan BatchWarmUp = TimeSpan.FromSeconds(1.5);

    /// <summary>
    /// Builds batches from a throwaway dataset for <see cref="BatchWarmUp"/>, so the figure times
    /// optimized code: timed first in the process, the loader's and renderer's tier-0 copies took
    /// 61 ms per batch on a Zen 3 where the loop then kept pace with a 25 ms step.
    /// </summary>
    private static int WarmUpBatches(IImageDataset dataset, int batch)
    {
        using var loader = new ImageBatchLoader(dataset, batch, seed: 7, prefetch: false);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int built = 0;
        while (clock.Elapsed < BatchWarmUp) loader.Build(built++);
        return built;
    }

    /// <summary>How long the loader takes to build one batch from a fresh dataset (the built-in sets render on first use).</summary>
    private static double BatchMilliseconds(IImageDataset dataset, int batch)
    {
        using var loader = new ImageBatchLoader(dataset, batch, seed: 5, prefetch: false);
        var times = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            loader.Build(1000 + i);
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        return Median(times);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>The bare step: steps per second from the median step time, the device synchronized around each step.</summary>
    private sealed class BareStep(IlsganConfig config, IBackend backend)
    {
        private readonly IlsganTrainer _trainer = new(config, backend);
        private readonly Tensor _real = new Rng(99).Uniform([config.Batch, 3, config.Architecture.ImageSize, config.Architecture.ImageSize], -1f, 1f, backend);

        public double Rate(int steps)
        {
            if (steps == 0) return 0;
            var times = StepTimer.Time(_trainer, _real, 0, steps, backend);
            times.Sort();
            return 1000.0 / times[times.Count / 2];
        }
    }

    /// <summary>The loop of `train` in a scratch run directory (deleted on dispose), continued by each call.</summary>
    private sealed class TimedLoop : IDisposable
    {
        private readonly RunDirectory _dir;
        private readonly IlsganRun _run;
        private readonly RunConfig<IlsganConfig> _config;
        private readonly IImageDataset _dataset;
        private readonly IBackend _backend;
        private readonly StopSignal _stop = new();

        public TimedLoop(IlsganConfig config, IBackend backend, IImageDataset dataset, string data, int statsEvery, bool baseline)
        {
            _dir = new RunDirectory(Directory.CreateTempSubdirectory("kernelgan-bench-loop-").FullName);
            _dir.Create();
            _dataset = dataset;
            _backend = backend;
            // No samples or checkpoints inside a timed window: the loop writes them at its end, outside the window.
            _config = new RunConfig<IlsganConfig> { Data = data, Gan = config, Steps = 0, SampleEvery = int.MaxValue, CheckpointEvery = int.MaxValue, StatsEvery = statsEvery };
            if (baseline) using (TensorArena.Suspend()) _run = new IlsganRun(_config, _dir, backend, TextWriter.Null);
            else _run = new IlsganRun(_config, _dir, backend, TextWriter.Null);
        }

        /// <summary>Runs <paramref name="steps"/> more steps; steps per second from the first step to the last read-back.</summary>
        public double Rate(int steps)
        {
            if (steps == 0) return 0;
            _backend.Synchronize();
            _run.Train(_dataset, _stop, _config.Schedule with { Steps = _run.Trainer.Step + steps });
            var outcome = _run.LastOutcome!;
            return outcome.Steps / outcome.LoopSeconds;
        }

        public void Dispose()
        {
            _stop.Dispose();
            Directory.Delete(_dir.Root, recursive: true);
        }
    }
}
