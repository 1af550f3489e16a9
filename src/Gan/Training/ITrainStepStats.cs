namespace KernelGan.Gan.Training;

/// <summary>What <see cref="GanTrainingLoop"/> needs from one step's measurements: the losses to check, a metrics.csv row, a progress line.</summary>
public interface ITrainStepStats
{
    long Step { get; }
    float LossD { get; }
    float LossG { get; }
    bool IsFinite { get; }
    string ToCsv();
    string Describe();
}
