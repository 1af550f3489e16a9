using System.Text.Json.Serialization;
using System.Text.Json.Nodes;

namespace KernelGan.Gan.Training;

/// <summary>
/// Everything a `kernelgan train` run was asked to do, for either GAN method (<typeparamref name="TGan"/>:
/// ILSGAN's or the prior's settings); saved as RUN/config.json and in each checkpoint, and reused by
/// --resume, eval, export, generate and selftrain. One shape for both methods: the version and the
/// method ("Model") first, then the data, the method's settings ("Gan"), the schedule and the
/// segmenter. Files written before the version field are read through <see cref="RunConfigVersions"/>.
/// </summary>
public sealed record RunConfig<TGan> where TGan : GanSettings
{
    /// <summary>The config.json shape this code writes (<see cref="RunConfigVersions.Current"/>); older files are upgraded when read.</summary>
    public int Version => RunConfigVersions.Current;

    /// <summary>Which method the run trains, from its settings; what --resume and the commands that open a run look at first.</summary>
    public string Model => Gan.Model;

    public required string Data { get; init; }

    /// <summary>Box-level training on square crops around each box (`train --boxes`; the prior only).</summary>
    public bool Boxes { get; init; }

    public required TGan Gan { get; init; }
    public long Steps { get; init; }
    public double? Minutes { get; init; }
    public int SampleEvery { get; init; } = 250;
    public int CheckpointEvery { get; init; } = 250;
    public SegmenterConfig Segmenter { get; init; } = new();

    /// <summary>
    /// After the segmenter, a self-training round on the real training images
    /// (<see cref="Segmentation.SelfTrainingStage"/>; ILSGAN only). Old config.json files lack it: false.
    /// </summary>
    public bool SelfTraining { get; init; }

    /// <summary>
    /// Rounds of self-training when <see cref="SelfTraining"/> is on: each round after the first
    /// labels the real images with the previous round's U-Net, refined on each image. Old
    /// config.json files lack it: 1, the one round they ran.
    /// </summary>
    public int SelfTrainingRounds { get; init; } = 1;

    /// <summary>
    /// <c>--self-train-rounds auto</c>: <see cref="SelfTrainingRounds"/> is a cap, and a further
    /// round runs only while the budget still holds one (<see cref="Segmentation.SelfTrainingStage.RunRounds"/>).
    /// Old config.json files lack it: false, a fixed count.
    /// </summary>
    public bool SelfTrainingRoundsWhileTimeAllows { get; init; }

    public string Device { get; init; } = "auto";

    /// <summary>GEMM/conv input format (fp32, tf32, bf16), like <see cref="Device"/> chosen again by each session; old files lack it: fp32.</summary>
    public string Precision { get; init; } = "fp32";

    /// <summary>
    /// Steps between read-backs of the step statistics (<c>--stats-every</c>): how often the loop
    /// waits for the device. It changes no result, so it is not saved: each session sets its own.
    /// </summary>
    [JsonIgnore]
    public int StatsEvery { get; init; } = RunSchedule.DefaultStatsEvery;

    [JsonIgnore]
    public RunSchedule Schedule => new(Steps, Minutes, SampleEvery, CheckpointEvery, StatsEvery);

    public string ToJson() => ConfigJson.Write(this);

    public JsonObject ToJsonObject() => ConfigJson.ToObject(this);

    /// <summary>
    /// A saved configuration of any version, upgraded to the current shape; one-line errors name
    /// <paramref name="source"/>, including when the run trained another method than <typeparamref name="TGan"/>.
    /// </summary>
    public static RunConfig<TGan> FromJson(string json, string source)
    {
        var current = RunConfigVersions.Upgrade(ConfigJson.Parse(json, source), source);
        var config = ConfigJson.Read<RunConfig<TGan>>(current.ToJsonString(), source);
        string? model = current["Model"]?.GetValue<string>();
        if (model != config.Model)
            throw new CheckpointException($"{source}: a '{model}' run, not '{config.Model}'");
        return config;
    }
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
