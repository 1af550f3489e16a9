namespace KernelGan.Gan.Training;

/// <summary>
/// When a GAN phase stops (steps, or a wall-clock budget), how often it writes samples and
/// checkpoints, and how often the loop reads the steps' statistics back from the device
/// (<see cref="StatsEvery"/>: each read waits for the device; it changes no result).
/// </summary>
public sealed record RunSchedule(long Steps, double? Minutes, int SampleEvery = 250, int CheckpointEvery = 250, int StatsEvery = RunSchedule.DefaultStatsEvery)
{
    /// <summary>Steps between read-backs by default: a GPU waits once per 16 steps, and a diverged run stops at most 15 steps late.</summary>
    public const int DefaultStatsEvery = 16;
}
