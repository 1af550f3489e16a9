using System.Text.Json.Nodes;
using KernelGan.Gan.Data;
using KernelGan.Gan.Training;
using KernelGan.Kernels;

namespace KernelGan.Gan.Prior;

/// <summary>When a GAN phase stops and how often it writes samples and checkpoints.</summary>
public sealed record RunSchedule(long Steps, double? Minutes, int SampleEvery = 250, int CheckpointEvery = 250);

/// <summary>
/// The GAN phase of an independence-prior run (train --model prior, and hoc): the step loop with
/// progress, metrics.csv, sample grids of providers and layout, periodic atomic checkpoints, exact
/// resume, a stop on Ctrl-C/SIGTERM after a checkpoint, and a clear stop if the losses go NaN/Inf.
/// </summary>
public sealed class PriorRun
{
    private readonly RunSchedule _schedule;
    private readonly RunDirectory _dir;
    private readonly IBackend _backend;
    private readonly TextWriter _log;
    private readonly JsonObject _configJson;

    public PriorRun(PriorConfig config, RunSchedule schedule, RunDirectory dir, IBackend backend, TextWriter log, JsonObject configJson)
    {
        _schedule = schedule;
        _dir = dir;
        _backend = backend;
        _log = log;
        _configJson = configJson;
        Trainer = new PriorTrainer(config, backend);
    }

    public PriorTrainer Trainer { get; }

    public bool Interrupted { get; private set; }

    /// <summary>Wall-clock seconds the last <see cref="Train"/> call spent, and the steps it took.</summary>
    public (double Seconds, long Steps) LastSession { get; private set; }

    public void Resume()
    {
        RestoreFrom(Checkpoint.Load(_dir.Checkpoint), Trainer);
        _log.WriteLine($"resumed from {_dir.Checkpoint} at step {Trainer.Step}");
    }

    public void Train(IRealBatchSource data, StopSignal? stop)
    {
        var cfg = Trainer.Config;
        int size = cfg.Architecture.CanvasSize;
        if (data.Size != size) throw new ArgumentException($"real images are {data.Size} px but the canvas is {size} px");
        using var metrics = new MetricsLog(_dir.Metrics, PriorStepStats.CsvHeader, Trainer.Step);
        var budget = _schedule.Minutes is { } m ? TimeSpan.FromMinutes(m) : (TimeSpan?)null;
        var progress = new ProgressReporter(_log, "gan step", Trainer.Step, _schedule.Steps, budget);
        long firstStep = Trainer.Step;
        PriorStepStats? last = null;
        while (Trainer.Step < _schedule.Steps)
        {
            if (stop?.Requested == true) { Interrupted = true; break; }
            if (budget is { } b && progress.Elapsed >= b)
            {
                _log.WriteLine($"time budget of {_schedule.Minutes} min reached at step {Trainer.Step}");
                break;
            }
            var batch = data.Batch(Trainer.Step);
            PriorStepStats stats;
            using (var scope = new TensorScope())
            {
                var real = Tensor.FromArray(batch, [data.BatchSize, 3, size, size], _backend);
                stats = Trainer.TrainStep(real);
            }
            if (!stats.IsFinite)
            {
                metrics.Flush();
                throw new TrainingDivergedException(
                    $"training diverged at step {stats.Step} (loss_d={stats.LossD}, loss_g={stats.LossG}); " +
                    (File.Exists(_dir.Checkpoint) ? $"the last good checkpoint is {_dir.Checkpoint}" : "no checkpoint was written yet") +
                    "; try a lower learning rate");
            }
            metrics.Append(stats.ToCsv());
            last = stats;
            if (Trainer.Step % _schedule.SampleEvery == 0) WriteSamples();
            if (Trainer.Step % _schedule.CheckpointEvery == 0) { metrics.Flush(); SaveCheckpoint(); }
            progress.Report(Trainer.Step, stats.Describe);
        }
        metrics.Flush();
        if (last is not null)
        {
            progress.Report(Trainer.Step, last.Describe, force: true);
            WriteSamples();
        }
        SaveCheckpoint();
        LastSession = (progress.Elapsed.TotalSeconds, Trainer.Step - firstStep);
        if (Interrupted) _log.WriteLine($"stopped at step {Trainer.Step}; checkpoint saved. Continue with --resume.");
    }

    /// <summary>samples/step-NNNNNN.png: the EMA generator's composites, providers' instances and their placement.</summary>
    public void WriteSamples()
    {
        var rng = new Rng(Trainer.Config.Seed + 7);
        var samples = PriorSampler.Generate(Trainer.GeneratorEma, rng, 8, Trainer.Config.Batch, _backend);
        ImageIo.SavePng(_dir.SampleGrid(Trainer.Step), PriorSampleGrid.Build(samples, 8));
    }

    public const string CheckpointKind = "prior";

    public void SaveCheckpoint() => TrainerCheckpoint.Save(_dir.Checkpoint, CheckpointKind, Trainer, _configJson);

    public static void RestoreFrom(Checkpoint ckpt, PriorTrainer t) => TrainerCheckpoint.Restore(ckpt, CheckpointKind, t, "independence-prior model");
}
