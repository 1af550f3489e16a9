
namespace KernelGan.Gan.Training;

/// <summary>
/// The step loop both GAN phases share (ILSGAN, independence prior): progress lines, metrics.csv,
/// sample grids and atomic checkpoints on schedule, a stop on Ctrl-C/SIGTERM or at the time budget
/// with a final checkpoint, and a stop with a clear message when the losses go NaN/Inf (the last
/// good checkpoint is kept, since nothing is saved after a diverged step).
/// Steps stage their statistics on the device (<see cref="StepStatsQueue"/>); the loop reads them
/// back every <see cref="RunSchedule.StatsEvery"/> steps, and always before samples, a checkpoint
/// and the end, so the NaN/Inf check runs before anything is saved, and metrics.csv gets one row
/// per step exactly as if each step had been read at once.
/// </summary>
public static class GanTrainingLoop
{
    /// <param name="Seconds">The whole call, final samples and checkpoint included.</param>
    /// <param name="LoopSeconds">From the first step to the last step's statistics read back: the loop's own time (bench loop).</param>
    public sealed record Outcome(bool Interrupted, double Seconds, long Steps, double LoopSeconds);

    /// <param name="trainStep">Runs the step that <see cref="IResumableTrainer.Step"/> names, on that step's real batch, staging its statistics in <paramref name="stats"/>.</param>
    /// <param name="divergenceHint">What to try when the losses go NaN/Inf, e.g. "try a lower learning rate".</param>
    /// <param name="beforeStep">Called before each step with the phase's elapsed time (schedules measured in time, e.g. <see cref="Ilsgan.TimedSigmaSwitch"/>).</param>
    public static Outcome Run(IResumableTrainer trainer, RunSchedule schedule, RunDirectory dir, TextWriter log,
                              string csvHeader, Action<long> trainStep, StepStatsQueue stats, Action writeSamples, Action saveCheckpoint,
                              StopSignal? stop, string divergenceHint, Action<TimeSpan>? beforeStep = null)
    {
        if (schedule.StatsEvery < 1) throw new ArgumentOutOfRangeException(nameof(schedule), $"--stats-every must be at least 1, not {schedule.StatsEvery}");
        // A run killed mid-write (SIGKILL, power loss) left its temp files; the next session clears them.
        int stale = StaleTempFiles.Remove(dir.Root) + StaleTempFiles.Remove(dir.Samples);
        if (stale > 0) log.WriteLine($"removed {stale} temp file(s) an interrupted write left in {dir.Root}");
        using var metrics = new MetricsLog(dir.Metrics, csvHeader, trainer.Step);
        var budget = schedule.Minutes is { } m ? TimeSpan.FromMinutes(m) : (TimeSpan?)null;
        var progress = new ProgressReporter(log, "gan step", trainer.Step, schedule.Steps, budget);
        long firstStep = trainer.Step;
        bool interrupted = false;
        GanStepStats? last = null;

        // Reads the staged rows back, stops at the first diverged one (the rows before it are
        // written), and appends the rest to metrics.csv.
        void ReadStats()
        {
            foreach (var row in stats.Drain())
            {
                if (!row.IsFinite)
                {
                    metrics.Flush();
                    throw new TrainingDivergedException(
                        $"training diverged at step {row.Step} (loss_d={row.LossD}, loss_g={row.LossG}); " +
                        (File.Exists(dir.Checkpoint) ? $"the last good checkpoint is {dir.Checkpoint}" : "no checkpoint was written yet") +
                        "; " + divergenceHint);
                }
                metrics.Append(row.ToCsv());
                last = row;
            }
            if (last is not null) progress.Report(trainer.Step, last.Describe);
        }

        while (trainer.Step < schedule.Steps)
        {
            if (stop?.Requested == true) { interrupted = true; break; }
            if (budget is { } b && progress.Elapsed >= b)
            {
                log.WriteLine(FormattableString.Invariant($"time budget of {schedule.Minutes:0.##} min reached at step {trainer.Step}"));
                break;
            }
            beforeStep?.Invoke(progress.Elapsed);
            trainStep(trainer.Step);
            bool samples = trainer.Step % schedule.SampleEvery == 0, checkpoint = trainer.Step % schedule.CheckpointEvery == 0;
            if (samples || checkpoint || trainer.Step % schedule.StatsEvery == 0 || trainer.Step >= schedule.Steps) ReadStats();
            if (samples) writeSamples();
            if (checkpoint) { metrics.Flush(); saveCheckpoint(); }
        }
        ReadStats();
        double loopSeconds = progress.Elapsed.TotalSeconds;
        metrics.Flush();
        if (last is not null)
        {
            progress.Report(trainer.Step, last.Describe, force: true);
            writeSamples();
        }
        saveCheckpoint();
        if (interrupted) log.WriteLine($"stopped at step {trainer.Step}; checkpoint saved. Continue with --resume.");
        return new Outcome(interrupted, progress.Elapsed.TotalSeconds, trainer.Step - firstStep, loopSeconds);
    }
}
