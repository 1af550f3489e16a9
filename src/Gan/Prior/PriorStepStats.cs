using KernelGan.Gan.Training;

namespace KernelGan.Gan.Prior;

/// <summary>What one independence-prior step measured. Column names match ILSGAN's where they mean the same, so report.html charts both.</summary>
public sealed record PriorStepStats(
    long Step, float LossD, float LossG, float Adversarial, float Area, float Binarization, float Floor,
    float MutualInformation, float MaskMean, float MeanScale, float RealScore, float FakeScore) : ITrainStepStats
{
    public static readonly string CsvHeader = "step,loss_d,loss_g,adv,area,binarization,floor,mi,mask_mean,scale,d_real,d_fake";

    public string ToCsv() => FormattableString.Invariant(
        $"{Step},{LossD:G6},{LossG:G6},{Adversarial:G6},{Area:G6},{Binarization:G6},{Floor:G6},{MutualInformation:G6},{MaskMean:G6},{MeanScale:G6},{RealScore:G6},{FakeScore:G6}");

    public bool IsFinite => float.IsFinite(LossD) && float.IsFinite(LossG);

    public string Describe() => FormattableString.Invariant(
        $"D {LossD:F3} G {Adversarial:F3} | instance area {Area:F3} union {MaskMean:F3} scale {MeanScale:F2} bin {Binarization:F3} | MI {MutualInformation:F4}");
}
