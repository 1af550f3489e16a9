namespace KernelGan.Gan.Training;

/// <summary>What one training step measured, read back from the device once per step.</summary>
public sealed record StepStats(
    long Step, float LossD, float LossG, float Adversarial, float Binarization, float Area, float Smoothness,
    float MutualInformation, float MaskMean, float RealScore, float FakeScore, float R1, float? AugmentP = null) : ITrainStepStats
{
    public static readonly string CsvHeader = "step,loss_d,loss_g,adv,binarization,area,smoothness,mi,mask_mean,d_real,d_fake,r1";

    /// <summary>The header for a run's metrics.csv: with --augment, an augment_p column (the probability the step used) at the end.</summary>
    public static string CsvHeaderFor(bool augment) => augment ? CsvHeader + ",augment_p" : CsvHeader;

    public string ToCsv() => FormattableString.Invariant(
        $"{Step},{LossD:G6},{LossG:G6},{Adversarial:G6},{Binarization:G6},{Area:G6},{Smoothness:G6},{MutualInformation:G6},{MaskMean:G6},{RealScore:G6},{FakeScore:G6},{R1:G6}")
        + (AugmentP is { } p ? FormattableString.Invariant($",{p:G6}") : "");

    public bool IsFinite => float.IsFinite(LossD) && float.IsFinite(LossG);

    public string Describe() => FormattableString.Invariant(
        $"D {LossD:F3} G {Adversarial:F3} | mask area {MaskMean:F3} bin {Binarization:F3} | MI {MutualInformation:F4}");
}
