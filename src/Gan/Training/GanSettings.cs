using System.Text.Json.Serialization;

namespace KernelGan.Gan.Training;

/// <summary>
/// The settings every GAN method's config has (ILSGAN's <c>IlsganConfig</c>, the prior's
/// <c>PriorConfig</c>) and <see cref="GanTrainer{TGenerator}"/> reads: batch, the two Adam
/// optimizers, the EMA and the weights' seed. Defaults follow DESIGN.md; each method adds its own
/// losses' settings. A config.json keeps them flat beside those (one object, "Gan").
/// </summary>
public abstract record GanSettings
{
    public int Batch { get; init; } = 32;
    public float LearningRateG { get; init; } = 2e-4f;
    public float LearningRateD { get; init; } = 2e-4f;
    public float Beta1 { get; init; } = 0.5f;
    public float Beta2 { get; init; } = 0.999f;

    /// <summary>EMA half-life of the generator's weights, in images.</summary>
    public double EmaHalfLifeImages { get; init; } = 2000;

    /// <summary>Seeds the weights' initialization (the training noise has its own stream, <see cref="SeedStreams"/>).</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Which method these settings train ("ilsgan", "prior"): a run's config.json says it as its "Model".</summary>
    [JsonIgnore]
    public abstract string Model { get; }
}
