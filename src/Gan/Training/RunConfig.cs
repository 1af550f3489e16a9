using System.Text.Json.Serialization;
using System.Text.Json.Nodes;
using KernelGan.Gan.Ilsgan;

namespace KernelGan.Gan.Training;

/// <summary>Everything a `kernelgan train` run was asked to do; saved as RUN/config.json and reused by --resume.</summary>
public sealed record RunConfig
{
    public required string Data { get; init; }
    public required IlsganConfig Gan { get; init; }
    public long Steps { get; init; }
    public double? Minutes { get; init; }
    public int SampleEvery { get; init; } = 250;
    public int CheckpointEvery { get; init; } = 250;
    public SegmenterConfig Segmenter { get; init; } = new();

    /// <summary>
    /// After the segmenter, a self-training round on the real training images
    /// (<see cref="Segmentation.SelfTrainingStage"/>). Old config.json files lack it: false.
    /// </summary>
    public bool SelfTraining { get; init; }

    public string Device { get; init; } = "auto";

    [JsonIgnore]
    public RunSchedule Schedule => new(Steps, Minutes, SampleEvery, CheckpointEvery);

    public string ToJson() => ConfigJson.Write(this);

    public JsonObject ToJsonObject() => ConfigJson.ToObject(this);

    public static RunConfig FromJson(string json, string source) => ConfigJson.Read<RunConfig>(json, source);
}

/// <summary>How the U-Net segmenter is trained on generated image/mask pairs.</summary>
public sealed record SegmenterConfig
{
    public int Pairs { get; init; } = 4096;
    public long Steps { get; init; } = 600;
    public int Batch { get; init; } = 32;
    public int Width { get; init; } = 16;
    public float LearningRate { get; init; } = 2e-3f;
    public int ValidateEvery { get; init; } = 50;

    /// <summary>
    /// Wall-clock bound of the segmenter phase (pair generation included), from the job's
    /// <see cref="JobBudget"/>; null = steps only. Not saved: each session (a resume too) derives
    /// it from its own --minutes.
    /// </summary>
    [JsonIgnore]
    public double? Minutes { get; init; }

    /// <summary>Largest random zoom of a training pair (1 = none); see <see cref="Segmentation.GeometricJitter"/>.</summary>
    public float Zoom { get; init; } = 1f;

    /// <summary>Largest random shift of a training pair, as a fraction of the image side.</summary>
    public float Shift { get; init; }

    /// <summary>Largest random rotation of a training pair, in degrees either way.</summary>
    public float Rotation { get; init; }
}
