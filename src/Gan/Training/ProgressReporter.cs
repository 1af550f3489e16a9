using System.Diagnostics;

namespace KernelGan.Gan.Training;

/// <summary>
/// Prints a progress line every few seconds: step, speed, ETA, and the values that say whether
/// training is healthy. Works the same in a terminal and in a log file.
/// </summary>
public sealed class ProgressReporter(TextWriter output, string label, long firstStep, long totalSteps, TimeSpan? budget, double intervalSeconds = 5)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private double _lastPrint = -1e9;

    public TimeSpan Elapsed => _clock.Elapsed;

    public void Report(long step, Func<string> details, bool force = false)
    {
        double now = _clock.Elapsed.TotalSeconds;
        if (!force && now - _lastPrint < intervalSeconds) return;
        _lastPrint = now;
        long done = step - firstStep;
        double rate = done / Math.Max(1e-9, now);
        double remainingSteps = (totalSteps - step) / Math.Max(1e-9, rate);
        if (budget is { } b) remainingSteps = Math.Min(remainingSteps, Math.Max(0, b.TotalSeconds - now));
        output.WriteLine($"{label} {step}/{totalSteps} | {rate:F2} it/s | elapsed {Format(now)} | ETA {Format(remainingSteps)} | {details()}");
        output.Flush();
    }

    public static string Format(double seconds)
    {
        if (!double.IsFinite(seconds)) return "--:--";
        var t = TimeSpan.FromSeconds(Math.Max(0, seconds));
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t.Minutes:D2}:{t.Seconds:D2}" : $"{t.Minutes:D2}:{t.Seconds:D2}";
    }
}
