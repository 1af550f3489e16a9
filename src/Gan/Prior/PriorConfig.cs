using System.Text.Json.Serialization;
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
/// Batch, optimizers, EMA and seed are in <see cref="GanSettings"/>.
/// </summary>
public sealed record PriorConfig : GanSettings
{
    /// <summary>What a run's config.json says as its "Model" (and `train --model` takes).</summary>
    public const string ModelName = "prior";

    [JsonIgnore]
    public override string Model => ModelName;

    public required PriorArchitecture Architecture { get; init; }

    /// <summary>Weight of the mean instance area (fraction of the canvas): each mask as small as the composite's realism allows.</summary>
    public float AreaWeight { get; init; } = 1f;
    public float BinarizationWeight { get; init; } = 1f;

    /// <summary>A canonical mask may not shrink below this mean (of its frame): a dead, empty provider gets no gradient back.</summary>
    public float MinimumMask { get; init; } = 0.04f;
    public float FloorWeight { get; init; } = 10f;

    /// <summary>
    /// A placed instance may not cover less than this fraction of the canvas (0 = off), charged with
    /// <see cref="FloorWeight"/>: ILSGAN's minimum-area prior, for a background strong enough to
    /// paint the object itself (--bg-detail 1), which the area penalty would otherwise hand it.
    /// </summary>
    public float MinimumInstanceArea { get; init; } = 0f;

    /// <summary>
    /// Box crops: weight of the mean instance mask in the crop's outer frame (a sixth of the side on
    /// every edge; 0 = off). A crop is 1.5x its box's longer side, centred on it, so that frame lies
    /// outside the box in every training crop: background for certain.
    /// </summary>
    public float OutsideBoxWeight { get; init; } = 0f;
    public long PriorWarmupSteps { get; init; } = 300;

    /// <summary>
    /// ILSGAN's shift perturbation for the prior (0 = off): in training, each placed instance moves
    /// by a uniform random offset of up to this fraction of the canvas side on each axis, unseen by
    /// the layout module, so a copy of the object painted by the background under the instance shows
    /// in the composite. Meant for a background strong enough to paint objects (--bg-detail 1).
    /// </summary>
    public float ShiftFraction { get; init; } = 0f;

    /// <summary>
    /// Weight of the background critic's verdict in G's loss (0 = off): a second critic compares
    /// the background layer alone with windows of the training scenes outside every box
    /// (<see cref="BackgroundAdversary"/>), so that a background able to paint texture
    /// (--bg-detail) is not also able to paint the object. Box-level data only.
    /// </summary>
    public float BackgroundAdversaryWeight { get; init; } = 0f;

    /// <summary>None, or Mine: a MINE bound on MI(hidden background ; visible instances) added to G's loss.</summary>
    public IndependenceTerm Independence { get; init; } = IndependenceTerm.None;
    public float MineWeight { get; init; } = 1f;

    public float PriorRamp(long step) => PriorWarmupSteps <= 0 ? 1f : Math.Min(1f, (float)step / PriorWarmupSteps);

    public void Validate()
    {
        Architecture.Validate();
        if (Batch < 2) throw new ArgumentException("the batch needs at least 2 images");
        if (!(ShiftFraction >= 0f && ShiftFraction <= 0.5f)) throw new ArgumentException($"the prior's shift must lie in [0, 0.5] of the canvas side, got {ShiftFraction}");
        if (!(BackgroundAdversaryWeight >= 0f)) throw new ArgumentException($"the background critic's weight must be 0 or more, got {BackgroundAdversaryWeight}");
        if (Independence == IndependenceTerm.Club)
            throw new ArgumentException("the independence-prior model supports --independence mine|none (CLUB is ILSGAN's term)");
    }
}
