namespace KernelGan.Gan.Training;

/// <summary>The settings <see cref="GanTrainer{TGenerator}"/> reads from a method's config (ILSGAN's, the prior's).</summary>
public interface IGanTrainingSettings
{
    /// <summary>Seeds the weights' initialization (the training noise has its own stream, <see cref="SeedStreams"/>).</summary>
    ulong Seed { get; }
    float LearningRateG { get; }
    float LearningRateD { get; }
    float Beta1 { get; }
    float Beta2 { get; }

    /// <summary>EMA half-life of the generator's weights, in images.</summary>
    double EmaHalfLifeImages { get; }
}
