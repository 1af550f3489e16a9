using System.Text.Json.Serialization;
using System.Text.Json.Nodes;
using KernelGan.Gan.Models;
using KernelGan.Gan.Prior;
using KernelGan.Gan.Training;

namespace KernelGan.Gan.Hoc;

/// <summary>
/// Everything a `kernelgan hoc` run was asked to do; saved as RUN/config.json. The image is
/// resized so its longer side is <see cref="WorkSize"/> pixels (the "working scale"), and the
/// model learns from <see cref="Prior"/>'s canvas-sized random crops of it. With the default 128
/// and 32, an image of 15-30 objects covering a fifth of it shows each object at about 12-20
/// pixels, half a canvas, which is what the pose ranges are set for.
/// </summary>
public sealed record HocConfig
{
    public const string SyntheticImage = "synthetic-hoc";

    public required string Image { get; init; }
    public int WorkSize { get; init; } = 128;
    public required PriorConfig Prior { get; init; }

    /// <summary>Upper bounds of the GAN phase; the time budget of the whole run is split by <see cref="GanShare"/>.</summary>
    public long GanSteps { get; init; } = 100000;
    public double Minutes { get; init; } = 15;
    public double GanShare { get; init; } = 0.72;
    public InstanceSegmenterConfig Segmenter { get; init; } = new();
    public int SampleEvery { get; init; } = 500;
    public int CheckpointEvery { get; init; } = 500;
    public long SyntheticSeed { get; init; } = 0;

    /// <summary>A folder of the image's true instances (one mask PNG each) to score against, or null (hoc --truth).</summary>
    public string? Truth { get; init; }
    public string Device { get; init; } = "auto";

    /// <summary>The defaults for K instance slots per crop: one provider (a homogeneous cluster is one category), any rotation.</summary>
    public static PriorConfig DefaultPrior(int slots, int crop, ulong seed) => new()
    {
        Architecture = new PriorArchitecture
        {
            CanvasSize = crop,
            CanonicalSize = crop / 2,
            Slots = slots,
            Providers = 1,
            LatentDim = 32,
            ProviderWidth = 32,
            // A colour ramp plus faint detail: enough for a textured floor (tiles, grain) to stay
            // in the background, too faint to draw an object that stands out from it.
            BackgroundGrid = 2,
            BackgroundDetail = 0.2f,
            BackgroundWidth = 8,
            DiscriminatorWidth = 32,
            Pose = new PoseRanges(MinScale: 0.35f, MaxScale: 1.0f, MaxTranslation: 1.2f, MaxRotationDegrees: 180f),
        },
        AreaWeight = 2f,
        Seed = seed,
    };

    public string ToJson() => ConfigJson.Write(this);

    public JsonObject ToJsonObject() => ConfigJson.ToObject(this);

    public static HocConfig FromJson(string json, string source) => ConfigJson.Read<HocConfig>(json, source);

    [JsonIgnore]
    public RunSchedule GanSchedule => new(GanSteps, Minutes * GanShare, SampleEvery, CheckpointEvery);
}
