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

    public void SaveCheckpoint()
    {
        var meta = new JsonObject
        {
            ["kind"] = "prior",
            ["step"] = Trainer.Step,
            ["noise_offset"] = Trainer.Noise.Offset,
            ["opt_g_steps"] = Trainer.OptG.StepCount,
            ["opt_d_steps"] = Trainer.OptD.StepCount,
            ["opt_mine_steps"] = Trainer.OptMine?.StepCount ?? 0,
            ["config"] = _configJson.DeepClone(),
        };
        Checkpoint.Save(_dir.Checkpoint, meta, StateOf(Trainer));
    }

    /// <summary>Every tensor that defines the training state, named for the checkpoint.</summary>
    public static IEnumerable<(string Name, Tensor Value)> StateOf(PriorTrainer t)
    {
        foreach (var (n, v) in t.Generator.StateTensors()) yield return ("G." + n, v);
        foreach (var (n, v) in t.GeneratorEma.StateTensors()) yield return ("G_ema." + n, v);
        foreach (var (n, v) in t.Discriminator.StateTensors()) yield return ("D." + n, v);
        foreach (var (n, v) in t.OptG.StateTensors()) yield return ("opt_G." + n, v);
        foreach (var (n, v) in t.OptD.StateTensors()) yield return ("opt_D." + n, v);
        if (t.Mine is not null)
        {
            foreach (var (n, v) in t.Mine.StateTensors()) yield return ("mine." + n, v);
            foreach (var (n, v) in t.OptMine!.StateTensors()) yield return ("opt_mine." + n, v);
        }
    }

    public static void RestoreFrom(Checkpoint ckpt, PriorTrainer t)
    {
        if (ckpt.Metadata["kind"]?.GetValue<string>() != "prior")
            throw new CheckpointException("checkpoint was not written by an independence-prior run");
        ckpt.RestoreInto(StateOf(t), "independence-prior model");
        t.Step = ckpt.Metadata["step"]!.GetValue<long>();
        t.RestoreNoise(ckpt.Metadata["noise_offset"]!.GetValue<ulong>());
        t.OptG.StepCount = ckpt.Metadata["opt_g_steps"]!.GetValue<long>();
        t.OptD.StepCount = ckpt.Metadata["opt_d_steps"]!.GetValue<long>();
        if (t.OptMine is not null) t.OptMine.StepCount = ckpt.Metadata["opt_mine_steps"]!.GetValue<long>();
    }
}
