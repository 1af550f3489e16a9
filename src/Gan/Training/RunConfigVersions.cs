using System.Text.Json;
using System.Text.Json.Nodes;

namespace KernelGan.Gan.Training;

/// <summary>
/// The versions of a run's config.json (<see cref="RunConfig{TGan}"/>), and how an older one is
/// read: each is upgraded, one version at a time, to the current shape before it is deserialized,
/// so there is one configuration type and old runs (their config.json and the copy inside each
/// checkpoint) still resume and evaluate.
/// <list type="bullet">
/// <item>1: no "Version" field. ILSGAN runs had no "Model" and their settings under "Gan"; prior
/// runs had "Model": "prior" and their settings under "Prior" (and no "SelfTraining").</item>
/// <item>2: "Version" and "Model" ("ilsgan" or "prior") first, the method's settings under "Gan"
/// for both, and "Boxes" and "SelfTraining" in every file.</item>
/// </list>
/// </summary>
public static class RunConfigVersions
{
    public const int Current = 2;

    /// <summary>What version 1 called the methods: ILSGAN files said nothing, prior files said this.</summary>
    private const string Version1Ilsgan = "ilsgan", Version1Prior = "prior";

    /// <summary><paramref name="config"/> in the current shape (a new object; the argument is not changed).</summary>
    public static JsonObject Upgrade(JsonObject config, string source)
    {
        int version = VersionOf(config, source);
        if (version > Current)
            throw new CheckpointException($"{source}: configuration version {version} is newer than this kernelgan reads (up to {Current}); use a newer kernelgan");
        var upgraded = (JsonObject)config.DeepClone();
        if (version == 1) upgraded = FromVersion1(upgraded);
        return upgraded;
    }

    /// <summary>
    /// The method ("ilsgan", "prior") of the run whose config.json is at <paramref name="configPath"/>,
    /// of any version; null when there is no such file or it is not a readable configuration.
    /// </summary>
    public static string? ModelOf(string configPath)
    {
        if (!File.Exists(configPath)) return null;
        try
        {
            var config = JsonNode.Parse(File.ReadAllText(configPath)) as JsonObject;
            return config is null ? null : Upgrade(config, configPath)["Model"]?.GetValue<string>();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or CheckpointException)
        {
            return null;
        }
    }

    private static int VersionOf(JsonObject config, string source)
    {
        if (config["Version"] is not JsonValue value) return 1;
        if (value.TryGetValue(out int version) && version >= 1) return version;
        throw new CheckpointException($"{source}: \"Version\" must be a whole number from 1 up, got {value.ToJsonString()}");
    }

    /// <summary>Version 1 to 2: the version and the method in front; a prior run's "Prior" becomes "Gan".</summary>
    private static JsonObject FromVersion1(JsonObject v1)
    {
        string model = v1["Model"]?.GetValue<string>() ?? Version1Ilsgan;
        var v2 = new JsonObject { ["Version"] = 2, ["Model"] = model };
        foreach (var (name, value) in v1.ToList())
        {
            if (name == "Model") continue;
            v1.Remove(name);
            v2[model == Version1Prior && name == "Prior" ? "Gan" : name] = value;
        }
        return v2;
    }
}
