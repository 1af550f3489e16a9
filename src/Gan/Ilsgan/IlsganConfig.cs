using System.Text.Json.Serialization;
using KernelGan.Gan.Models;
using KernelGan.Gan.Training;

namespace KernelGan.Gan.Ilsgan;

/// <summary>What is done to D's inputs (real and fake alike) before D sees them.</summary>
public enum DAugment { None, Diff }

/// <summary>
/// Hyper-parameters of an ILSGAN run (batch, optimizers, EMA and seed in <see cref="GanSettings"/>);
/// defaults follow DESIGN.md and the paper where it is specific.
/// </summary>
public sealed record IlsganConfig : GanSettings
{
    /// <summary>What a run's config.json says as its "Model" (and `train --model` takes).</summary>
    public const string ModelName = "ilsgan";

    [JsonIgnore]
    public override string Model => ModelName;

    public required Architecture Architecture { get; init; }

    public IndependenceTerm Independence { get; init; } = IndependenceTerm.Club;

    /// <summary>Weight of the MI term early in training, and from <see cref="SigmaSwitchStep"/> on.</summary>
    public float SigmaEarly { get; init; } = 0.2f;
    public float SigmaLate { get; init; } = 1.0f;
    public long SigmaSwitchStep { get; init; } = 0;

    public float BinarizationWeight { get; init; } = 2f;
    /// <summary>Weight of the area hinges: 2, the official code's minimum-area weight (docs/ilsgan-official.md).</summary>
    public float AreaWeight { get; init; } = 2f;
    public float MinimumArea { get; init; } = 0.25f;

    /// <summary>The minimum-area hinge applies to the batch's mean mask area instead of each image's.</summary>
    public bool MinimumAreaOverBatch { get; init; }

    /// <summary>Mean mask area per image above which a hinge penalty starts (1 = off).</summary>
    public float MaximumArea { get; init; } = 1f;

    /// <summary>Weight of the mask's total variation (boundary length) prior (0 = off).</summary>
    public float SmoothnessWeight { get; init; } = 0f;

    /// <summary>The mask logit is blurred by a fixed [1,2,1] filter (<see cref="MaskBlur"/>); old config.json files lack it: off.</summary>
    public bool MaskBlur { get; init; }

    /// <summary>Weight of the border prior: the mask's mean on the image's outer band (<see cref="Losses.MaskPriors.OnBorder"/>; 0 = off).</summary>
    public float BorderWeight { get; init; } = 0f;

    /// <summary>Width of that band as a fraction of the image's side (at least one pixel).</summary>
    public float BorderBand { get; init; } = 1f / 16;

    /// <summary>The band in pixels at <paramref name="size"/>.</summary>
    public int BorderBandPixels(int size) => Math.Max(1, (int)MathF.Round(BorderBand * size));

    /// <summary>Height of the centred bump added to the mask logit (object-centric prior; 0 = off).</summary>
    public float CentrePrior { get; init; } = 0f;

    /// <summary>
    /// Height the centre prior falls to, linearly from <see cref="CentrePriorDecayFrom"/> to
    /// <see cref="CentrePriorDecayTo"/> (null = it stays at <see cref="CentrePrior"/>).
    /// </summary>
    public float? CentrePriorFinal { get; init; }
    public long CentrePriorDecayFrom { get; init; }
    public long CentrePriorDecayTo { get; init; }

    /// <summary>D scores each cell of its last feature map instead of the whole image (PatchGAN head).</summary>
    public bool PatchDiscriminator { get; init; }

    /// <summary>Initial bias of the mask logit: negative starts with small masks.</summary>
    public float MaskLogitBias { get; init; } = 0f;

    /// <summary>The fg+mask shift before D, as a fraction of the width (12.5% in ILSGAN).</summary>
    public float ShiftFraction { get; init; } = 0.125f;

    /// <summary>R1 weight gamma (0 = off), applied lazily every <see cref="R1Interval"/> D steps.</summary>
    public float R1Gamma { get; init; } = 0f;
    public int R1Interval { get; init; } = 16;

    // ---- Options that select the official ILSGAN code's settings (docs/ilsgan-official.md);
    // off by default because the defaults are what the README's measurements used.

    /// <summary>One z feeds both branches (official: the same z through each branch's own mapping), instead of one draw each.</summary>
    public bool SharedLatent { get; init; }

    /// <summary>Binarization and minimum area act on the shifted mask D sees (official) instead of the generator's own.</summary>
    public bool LossesOnShiftedMask { get; init; }

    /// <summary>
    /// When the GAN phase has a time budget, sigma also switches once this fraction of it has
    /// passed (whichever of this and <see cref="SigmaSwitchStep"/> comes first), so a run that
    /// its budget stops always switches; null = by steps only.
    /// </summary>
    public double? SigmaSwitchTimeFraction { get; init; }

    /// <summary>Differentiable augmentation of D's inputs with an adaptive probability (ADA's heuristic).</summary>
    public DAugment Augment { get; init; } = DAugment.None;

    /// <summary>The E[sign(D(real))] the augmentation probability steers toward (ADA's target 0.6).</summary>
    public float AugmentTarget { get; init; } = 0.6f;

    /// <summary>Steps between adjustments of the probability (ADA's ada_interval 4).</summary>
    public int AugmentInterval { get; init; } = 4;

    /// <summary>Real images over which the probability may move by 1 (ADA's ada_kimg 500).</summary>
    public double AugmentSpeedImages { get; init; } = 500_000;

    public float SigmaAt(long step) => step < SigmaSwitchStep ? SigmaEarly : SigmaLate;

    public float CentrePriorAt(long step)
    {
        if (CentrePriorFinal is not { } final || step <= CentrePriorDecayFrom) return CentrePrior;
        if (step >= CentrePriorDecayTo) return final;
        float t = (step - CentrePriorDecayFrom) / (float)(CentrePriorDecayTo - CentrePriorDecayFrom);
        return CentrePrior + t * (final - CentrePrior);
    }
}
