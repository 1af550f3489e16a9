using System.Text.Json.Serialization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KernelGan.Gan.Models;
using KernelGan.Gan.Training;

namespace KernelGan.Gan.Prior;

/// <summary>
/// A `kernelgan train --model prior` run (the independence prior on a dataset, usually box crops):
/// saved as RUN/config.json, with <see cref="Model"/> = "prior" so --resume knows which trainer to build.
/// </summary>
public sealed record BoxPriorConfig
{
    public const string ModelName = "prior";

    public string Model { get; init; } = ModelName;
    public required string Data { get; init; }
    public bool Boxes { get; init; }
    public required PriorConfig Prior { get; init; }
    public long Steps { get; init; }
    public double? Minutes { get; init; }
    public int SampleEvery { get; init; } = 250;
    public int CheckpointEvery { get; init; } = 250;
    public SegmenterConfig Segmenter { get; init; } = new();
    public string Device { get; init; } = "auto";

    /// <summary>
    /// Defaults for box crops: one instance per crop (the boxed object), generated at the canvas
    /// size so it is not upscaled, posed near the centre (the crop is centred on the box and 1.5x
    /// its longer side, so the object spans about two thirds of it) with a little rotation,
    /// aspect change and shear.
    /// </summary>
    public static PriorConfig DefaultPrior(int size, int slots, ulong seed) => new()
    {
        Architecture = new PriorArchitecture
        {
            CanvasSize = size,
            CanonicalSize = size,
            Slots = slots,
            Providers = 1,
            LatentDim = 64,
            ProviderWidth = 16,
            // 2x2, i.e. a bilinear colour ramp: box crops are centred on the object, so any grid
            // with a middle cell could paint a centred blob of the object's colour and leave only
            // its details to the instance (seen with 4x4: masks covered the stripes only).
            BackgroundGrid = 2,
            // D dominates the step's cost; at 64 px half width keeps a step near ILSGAN's small preset.
            DiscriminatorWidth = size >= 64 ? 16 : 32,
            Pose = new PoseRanges(MinScale: 0.5f, MaxScale: 1.2f, MaxTranslation: 0.2f, MaxRotationDegrees: 30f, MaxLogAspect: 0.3f, MaxShear: 0.2f),
        },
        AreaWeight = 2f,
        Seed = seed,
    };

    public string ToJson() => ConfigJson.Write(this);

    public JsonObject ToJsonObject() => ConfigJson.ToObject(this);

    public static BoxPriorConfig FromJson(string json, string source) => ConfigJson.Read<BoxPriorConfig>(json, source);

    /// <summary>Whether a saved RUN/config.json belongs to a prior run (rather than ILSGAN).</summary>
    public static bool IsPriorRun(string configPath)
    {
        if (!File.Exists(configPath)) return false;
        try
        {
            return JsonNode.Parse(File.ReadAllText(configPath))?["Model"]?.GetValue<string>() == ModelName;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    [JsonIgnore]
    public RunSchedule Schedule => new(Steps, Minutes, SampleEvery, CheckpointEvery);
}
