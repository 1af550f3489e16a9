namespace KernelGan.Gan.Training;

/// <summary>A checkpoint that can't be read (missing, truncated, corrupt, or from another model).</summary>
public sealed class CheckpointException(string message) : Exception(message);

/// <summary>Training produced NaN or Inf; the message says at which step and what was kept.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
