using KernelGan.Gan.Models;
using KernelGan.Gan.Training;

namespace KernelGan.Gan.Prior;

/// <summary>
/// Hyper-parameters of independence-prior training. The generator loss is
/// adversarial + w(t) * (AreaWeight * mean instance area + BinarizationWeight * mean(min(m, 1-m)))
/// + FloorWeight * mean relu(MinimumMask - canonical mask mean) [+ MineWeight * MINE bound], where
/// w(t) ramps from 0 to 1 over <see cref="PriorWarmupSteps"/>: at the start D cannot yet tell an
/// empty canvas from a real one, and a full-strength area penalty would empty every mask
/// (sigmoids saturate at 0 and never recover) before D learns that instances must be there.
/// </summary>
public sealed record PriorConfig : IGanTrainingSettings
{
    public required PriorArchitecture Architecture { get; init; }
    public int Batch { get; init; } = 32;
    public float LearningRateG { get; init; } = 2e-4f;
    public float LearningRateD { get; init; } = 2e-4f;
    public float Beta1 { get; init; } = 0.5f;
    public float Beta2 { get; init; } = 0.999f;

    /// <summary>Weight of the mean instance area (fraction of the canvas): each mask as small as the composite's realism allows.</summary>
    public float AreaWeight { get; init; } = 1f;
    public float BinarizationWeight { get; init; } = 1f;

    /// <summary>A canonical mask may not shrink below this mean (of its frame): a dead, empty provider gets no gradient back.</summary>
    public float MinimumMask { get; init; } = 0.04f;
    public float FloorWeight { get; init; } = 10f;
    public long PriorWarmupSteps { get; init; } = 300;

    /// <summary>None, or Mine: a MINE bound on MI(hidden background ; visible instances) added to G's loss.</summary>
    public IndependenceTerm Independence { get; init; } = IndependenceTerm.None;
    public float MineWeight { get; init; } = 1f;

    public double EmaHalfLifeImages { get; init; } = 2000;
    public ulong Seed { get; init; } = 1;

    public float PriorRamp(long step) => PriorWarmupSteps <= 0 ? 1f : Math.Min(1f, (float)step / PriorWarmupSteps);

    public void Validate()
    {
        Architecture.Validate();
        if (Batch < 2) throw new ArgumentException("the batch needs at least 2 images");
        if (Independence == IndependenceTerm.Club)
            throw new ArgumentException("the independence-prior model supports --independence mine|none (CLUB is ILSGAN's term)");
    }
}
