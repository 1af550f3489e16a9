using System.Text.Json.Nodes;
using KernelGan.Gan.Data;
using KernelGan.Gan.Training;
using KernelGan.Kernels;

namespace KernelGan.Gan.Prior;

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

    /// <summary>Restores the last checkpoint; a run killed before its first one starts again from step 0 with its saved settings.</summary>
    public void Resume()
    {
        if (!File.Exists(_dir.Checkpoint))
        {
            _log.WriteLine($"no checkpoint in {_dir.Root} yet (the run stopped before its first): starting from step 0");
            return;
        }
        RestoreFrom(Checkpoint.Load(_dir.Checkpoint), Trainer);
        _log.WriteLine($"resumed from {_dir.Checkpoint} at step {Trainer.Step}");
    }

    public void Train(IRealBatchSource data, StopSignal? stop)
    {
        int size = Trainer.Config.Architecture.CanvasSize;
        if (data.Size != size) throw new ArgumentException($"real images are {data.Size} px but the canvas is {size} px");
        var outcome = GanTrainingLoop.Run(Trainer, _schedule, _dir, _log, PriorTrainer.StepColumns.CsvHeader,
            step =>
            {
                using var scope = new TensorScope();
                var images = data.Batch(step);
                var real = Tensor.FromArray(images, [data.BatchSize, 3, size, size], _backend);
                data.Recycle(images); // the upload copied it
                Trainer.StageStep(real);
            },
            Trainer.Stats, WriteSamples, SaveCheckpoint, stop, "try a lower learning rate");
        Interrupted = outcome.Interrupted;
        LastSession = (outcome.Seconds, outcome.Steps);
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
