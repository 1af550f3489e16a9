using System.Text.Json.Nodes;
using KernelGan.Gan.Data;
using KernelGan.Gan.Training;
using KernelGan.Kernels;

namespace KernelGan.Gan.Ilsgan;

/// <summary>
/// The GAN phase of `kernelgan train`: the step loop with progress, metrics.csv, sample grids,
/// periodic atomic checkpoints, exact resume, a stop on Ctrl-C/SIGTERM after a checkpoint, and a
/// stop with a clear message if the losses go NaN/Inf (the last good checkpoint is kept).
/// </summary>
public sealed class IlsganRun
{
    private readonly RunConfig<IlsganConfig> _config;
    private readonly RunDirectory _dir;
    private readonly IBackend _backend;
    private readonly TextWriter _log;

    public IlsganRun(RunConfig<IlsganConfig> config, RunDirectory dir, IBackend backend, TextWriter log)
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

    /// <summary>Restores the last checkpoint; a run killed before its first one starts again from step 0 with its saved settings.</summary>
    public void Resume()
    {
        if (!File.Exists(_dir.Checkpoint))
        {
            _log.WriteLine($"no checkpoint in {_dir.Root} yet (the run stopped before its first): starting from step 0");
            return;
        }
        var ckpt = Checkpoint.Load(_dir.Checkpoint);
        RestoreFrom(ckpt, Trainer);
        _log.WriteLine($"resumed from {_dir.Checkpoint} at step {Trainer.Step}");
    }

    /// <summary>Trains until the step count or the time budget is reached, or a stop is requested.</summary>
    /// <param name="schedule">This session's schedule, when the job's budget gives the GAN less than the config's minutes (see <see cref="JobBudget"/>).</param>
    public void Train(IImageDataset dataset, StopSignal stop, RunSchedule? schedule = null)
    {
        var cfg = _config.Gan;
        int size = cfg.Architecture.ImageSize;
        using var loader = new ImageBatchLoader(dataset, cfg.Batch, (long)cfg.Seed, SamplingMode.EpochShuffle, randomFlip: true);
        schedule ??= _config.Schedule;
        var sigmaSwitch = cfg.SigmaSwitchTimeFraction is { } fraction && schedule.Minutes is { } minutes
            ? new TimedSigmaSwitch(fraction, TimeSpan.FromMinutes(minutes)) : null;
        if (sigmaSwitch is not null && Trainer.SigmaIsEarly)
            _log.WriteLine(FormattableString.Invariant(
                $"sigma {cfg.SigmaEarly:G3} until step {cfg.SigmaSwitchStep} or {JobBudget.Clock(sigmaSwitch.At.TotalMinutes)} into the GAN phase, whichever comes first, then {cfg.SigmaLate:G3}"));
        var outcome = GanTrainingLoop.Run(Trainer, schedule, _dir, _log, IlsganTrainer.StepColumns(cfg.Augment != DAugment.None).CsvHeader,
            step =>
            {
                using var scope = new TensorScope();
                var batch = loader.Batch(step);
                var real = Tensor.FromArray(batch.Images, [cfg.Batch, 3, size, size], _backend);
                loader.Recycle(batch); // uploads copy (the CPU's into its buffer, ILGPU's into its staging ring)
                Trainer.StageStep(real);
            },
            Trainer.Stats, WriteSamples, SaveCheckpoint, stop, "try a lower learning rate or --r1",
            beforeStep: sigmaSwitch is null ? null : elapsed =>
            {
                if (sigmaSwitch.Apply(Trainer, elapsed))
                    _log.WriteLine(FormattableString.Invariant($"sigma {cfg.SigmaEarly:G3} -> {cfg.SigmaLate:G3} at step {Trainer.Step}: {JobBudget.Clock(elapsed.TotalMinutes)} into the GAN phase, {sigmaSwitch.Fraction * 100:0.#}% of its time budget"));
            });
        Interrupted = outcome.Interrupted;
        LastOutcome = outcome;
    }

    /// <summary>What the last <see cref="Train"/> call did (steps, seconds), or null before one.</summary>
    public GanTrainingLoop.Outcome? LastOutcome { get; private set; }

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
