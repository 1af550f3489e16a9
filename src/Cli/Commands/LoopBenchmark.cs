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
/// the same process, and their ratio: how much of the step's speed the loop keeps. Both are timed
/// after a warm-up; .NET's tiered JIT needs more than 100 steps to reach steady state (a step
/// timed after 5 warm-up steps took 35 ms, 16.6 ms at steady state), hence the default of 150.
/// With --baseline a third figure: the loop as it ran before packed updates and batched
/// statistics (per-tensor Adam and EMA, statistics read every step).
/// </summary>
public static class LoopBenchmark
{
    public const int DefaultWarmup = 150;
    public const int DefaultSteps = 100;

    public static int Run(CliArguments args)
    {
        var backend = DeviceOption.Open(args);
        int batch = args.Int("batch", 1, 4096);
        int warmup = args.IntOr("warmup", DefaultWarmup, 0), steps = args.IntOr("steps", DefaultSteps, 1);
        int statsEvery = args.IntOr("stats-every", RunSchedule.DefaultStatsEvery, 1);
        var arch = Architecture.Preset(args.Required("config"), args.Int("size"));
        string data = args.Required("data");
        // The step of `bench step` (DESIGN.md's benchmark step: sigma = 1 throughout).
        var config = new IlsganConfig { Architecture = arch, Batch = batch, SigmaEarly = 1f, SigmaLate = 1f };
        var dataset = DatasetFactory.Open(data, arch.ImageSize, DataSplit.Train);
        if (dataset.Count == 0) throw new DataException($"bench loop: {data} holds no training images");
        Console.WriteLine($"bench loop: {arch.Name} at {arch.ImageSize}x{arch.ImageSize}, batch {batch}, data {data} ({dataset.Count} images), device {backend.Name}");
        Console.WriteLine($"  {warmup} warm-up steps, then {steps} timed, for each figure; statistics read back every {statsEvery} steps");

        double stepMs = BareStep(config, backend, warmup, steps);
        double stepRate = 1000.0 / stepMs;
        Console.WriteLine($"  bare step (bench step):  median {stepMs:F2} ms  -> {stepRate:F1} steps/s");
        double loopRate = Loop(config, backend, dataset, data, warmup, steps, statsEvery, baseline: false);
        Console.WriteLine($"  training loop:           {loopRate:F1} steps/s  ({loopRate / stepRate:F3} of the step)");
        if (args.Flag("baseline"))
        {
            double before = Loop(config, backend, dataset, data, warmup, steps, statsEvery: 1, baseline: true);
            Console.WriteLine($"  loop, baseline:          {before:F1} steps/s  ({before / stepRate:F3} of the step; per-tensor Adam/EMA, statistics read every step)");
        }
        Console.WriteLine($"loop/step: {loopRate / stepRate:F3}");
        return 0;
    }

    /// <summary>Median milliseconds of the bare step after <paramref name="warmup"/> untimed ones.</summary>
    private static double BareStep(IlsganConfig config, IBackend backend, int warmup, int steps)
    {
        var trainer = new IlsganTrainer(config, backend);
        int size = config.Architecture.ImageSize;
        using var real = new Rng(99).Uniform([config.Batch, 3, size, size], -1f, 1f, backend);
        var times = StepTimer.Time(trainer, real, warmup, steps, backend);
        times.Sort();
        return times[times.Count / 2];
    }

    /// <summary>Steps per second of the loop over the timed steps, in a scratch run directory deleted afterwards.</summary>
    private static double Loop(IlsganConfig config, IBackend backend, IImageDataset dataset, string data, int warmup, int steps, int statsEvery, bool baseline)
    {
        var dir = new RunDirectory(Directory.CreateTempSubdirectory("kernelgan-bench-loop-").FullName);
        try
        {
            dir.Create();
            // No samples or checkpoints inside the timed window: the loop writes them at its end, outside it.
            var run = new RunConfig<IlsganConfig> { Data = data, Gan = config, Steps = warmup, SampleEvery = int.MaxValue, CheckpointEvery = int.MaxValue, StatsEvery = statsEvery };
            IlsganRun ilsgan;
            if (baseline) using (TensorArena.Suspend()) ilsgan = new IlsganRun(run, dir, backend, TextWriter.Null);
            else ilsgan = new IlsganRun(run, dir, backend, TextWriter.Null);
            using var stop = new StopSignal();
            if (warmup > 0) ilsgan.Train(dataset, stop);
            backend.Synchronize();
            ilsgan.Train(dataset, stop, run.Schedule with { Steps = warmup + steps });
            var outcome = ilsgan.LastOutcome!;
            return outcome.Steps / outcome.LoopSeconds;
        }
        finally
        {
            Directory.Delete(dir.Root, recursive: true);
        }
    }
}
