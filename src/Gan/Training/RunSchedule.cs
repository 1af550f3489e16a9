namespace KernelGan.Gan.Training;

/// <summary>When a GAN phase stops (steps, or a wall-clock budget) and how often it writes samples and checkpoints.</summary>
public sealed record RunSchedule(long Steps, double? Minutes, int SampleEvery = 250, int CheckpointEvery = 250);
