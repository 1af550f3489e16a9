using System.Diagnostics;
using KernelGan.Gan.Ilsgan;
using KernelGan.Gan.Training;
using KernelGan.Kernels;

namespace KernelGan.Cli.Commands;

/// <summary>The bare step's timing, shared by bench step and bench loop: the device synchronized before and after each step.</summary>
public static class StepTimer
{
    /// <summary>Milliseconds of each of <paramref name="steps"/> steps after <paramref name="warmup"/> untimed ones; <paramref name="report"/> sees every step.</summary>
    public static List<double> Time(IlsganTrainer trainer, Tensor real, int warmup, int steps, IBackend backend,
                                    Action<int, bool, double, GanStepStats>? report = null)
    {
        var times = new List<double>();
        for (int i = 0; i < warmup + steps; i++)
        {
            backend.Synchronize();
            var sw = Stopwatch.StartNew();
            var stats = trainer.TrainStep(real);
            backend.Synchronize();
            double ms = sw.Elapsed.TotalMilliseconds;
            if (i >= warmup) times.Add(ms);
            report?.Invoke(i, i < warmup, ms, stats);
        }
        return times;
    }
}
