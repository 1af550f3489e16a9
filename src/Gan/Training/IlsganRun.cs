using System.Text.Json.Nodes;
using KernelGan.Gan.Data;
using KernelGan.Kernels;

namespace KernelGan.Gan.Training;

/// <summary>
/// The GAN phase of `kernelgan train`: the step loop with progress, metrics.csv, sample grids,
/// periodic atomic checkpoints, exact resume, a stop on Ctrl-C/SIGTERM after a checkpoint, and a
/// stop with a clear message if the losses go NaN/Inf (the last good checkpoint is kept).
/// </summary>
public sealed class IlsganRun
{
    private readonly RunConfig _config;
    private readonly RunDirectory _dir;
    private readonly IBackend _backend;
    private readonly TextWriter _log;

    public IlsganRun(RunConfig config, RunDirectory dir, IBackend backend, TextWriter log)
    {
        _config = config;
        _dir = dir;
        _backend = backend;
        _log = log;
        Trainer = new IlsganTrainer(config.Gan, backend);
    }

    public IlsganTrainer Trainer { get; }

    /// <summary>Whether the loop ended because a stop was requested (the run can be resumed).</summary>
    public bool Interrupted { get; private set; }

    public void Resume()
    {
        var ckpt = Checkpoint.Load(_dir.Checkpoint);
        RestoreFrom(ckpt, Trainer);
        _log.WriteLine($"resumed from {_dir.Checkpoint} at step {Trainer.Step}");
    }

    /// <summary>Trains until the step count or the time budget is reached, or a stop is requested.</summary>
    public void Train(IImageDataset dataset, StopSignal stop)
    {
        var cfg = _config.Gan;
        using var loader = new ImageBatchLoader(dataset, cfg.Batch, (long)cfg.Seed, SamplingMode.EpochShuffle, randomFlip: true);
        using var metrics = new MetricsLog(_dir.Metrics, StepStats.CsvHeader, Trainer.Step);
        var budget = _config.Minutes is { } m ? TimeSpan.FromMinutes(m) : (TimeSpan?)null;
        var progress = new ProgressReporter(_log, "gan step", Trainer.Step, _config.Steps, budget);
        int size = cfg.Architecture.ImageSize;
        StepStats? last = null;
        while (Trainer.Step < _config.Steps)
        {
            if (stop.Requested) { Interrupted = true; break; }
            if (budget is { } b && progress.Elapsed >= b)
            {
                _log.WriteLine($"time budget of {_config.Minutes} min reached at step {Trainer.Step}");
                break;
            }
            var batch = loader.Batch(Trainer.Step);
            StepStats stats;
            using (var scope = new TensorScope())
            {
                var real = Tensor.FromArray(batch.Images, [cfg.Batch, 3, size, size], _backend);
                stats = Trainer.TrainStep(real);
            }
            if (!stats.IsFinite)
            {
                metrics.Flush();
                throw new TrainingDivergedException(
                    $"training diverged at step {stats.Step} (loss_d={stats.LossD}, loss_g={stats.LossG}); " +
                    (File.Exists(_dir.Checkpoint) ? $"the last good checkpoint is {_dir.Checkpoint}" : "no checkpoint was written yet") +
                    "; try a lower learning rate or --r1");
            }
            metrics.Append(stats.ToCsv());
            last = stats;
            if (Trainer.Step % _config.SampleEvery == 0) WriteSamples();
            if (Trainer.Step % _config.CheckpointEvery == 0) { metrics.Flush(); SaveCheckpoint(); }
            progress.Report(Trainer.Step, () => Describe(stats));
        }
        metrics.Flush();
        if (last is not null)
        {
            progress.Report(Trainer.Step, () => Describe(last), force: true);
            WriteSamples();
        }
        SaveCheckpoint();
        if (Interrupted) _log.WriteLine($"stopped at step {Trainer.Step}; checkpoint saved. Continue with --resume.");
    }

    private static string Describe(StepStats s) => FormattableString.Invariant(
        $"D {s.LossD:F3} G {s.Adversarial:F3} | mask area {s.MaskMean:F3} bin {s.Binarization:F3} | MI {s.MutualInformation:F4}");

    public void WriteSamples()
    {
        var rng = new Rng(_config.Gan.Seed + 7);
        var samples = LayerSampler.Generate(Trainer.GeneratorEma, rng, _config.Gan.Batch, _config.Gan.Batch, _backend);
        ImageIo.SavePng(_dir.SampleGrid(Trainer.Step), LayerSampler.Grid(samples, 8));
    }

    public const string CheckpointKind = "ilsgan";

    public void SaveCheckpoint() => TrainerCheckpoint.Save(_dir.Checkpoint, CheckpointKind, Trainer, _config.ToJsonObject());

    public static void RestoreFrom(Checkpoint ckpt, IlsganTrainer t) => TrainerCheckpoint.Restore(ckpt, CheckpointKind, t, "ILSGAN model");
}
