namespace KernelGan.Gan.Training;

/// <summary>The files of a run directory, in one place so every command agrees on them.</summary>
public sealed class RunDirectory(string root)
{
    public string Root { get; } = Path.GetFullPath(root);
    public string Config => Path.Combine(Root, "config.json");
    public string Checkpoint => Path.Combine(Root, "checkpoint.kgc");
    public string Segmenter => Path.Combine(Root, "segmenter.kgc");
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
