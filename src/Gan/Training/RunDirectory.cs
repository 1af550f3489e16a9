namespace KernelGan.Gan.Training;

/// <summary>The files of a run directory, in one place so every command agrees on them.</summary>
public sealed class RunDirectory(string root)
{
    public string Root { get; } = Path.GetFullPath(root);
    public string Config => Path.Combine(Root, "config.json");
    public string Checkpoint => Path.Combine(Root, "checkpoint.kgc");
    public string Segmenter => Path.Combine(Root, "segmenter.kgc");
    /// <summary>The U-Net trained on generated pairs (the paper's protocol), kept here once a self-training round has replaced segmenter.kgc.</summary>
    public string GeneratedPairsSegmenter => Path.Combine(Root, "segmenter-generated.kgc");
    public string SelfTrainingMetrics => Path.Combine(Root, "selftrain.csv");
    /// <summary>With several self-training rounds, the metrics of each round but the last (which writes <see cref="SelfTrainingMetrics"/>).</summary>
    public string SelfTrainingRoundMetrics(int round) => Path.Combine(Root, $"selftrain-round{round}.csv");
    public string Metrics => Path.Combine(Root, "metrics.csv");
    public string SegmenterMetrics => Path.Combine(Root, "segmenter.csv");
    public string Samples => Path.Combine(Root, "samples");
    public string Report => Path.Combine(Root, "report.html");
    public string Evaluation => Path.Combine(Root, "eval.json");
    public string Masks => Path.Combine(Root, "masks");

    public void Create()
    {
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Samples);
    }

    public string SampleGrid(long step) => Path.Combine(Samples, $"step-{step:D6}.png");
}
