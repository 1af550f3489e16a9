using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace KernelGan.Gan.Training;

/// <summary>
/// How every run configuration (ILSGAN, box-level prior, HOC) is written to RUN/config.json and
/// checkpoints, and read back: indented, enums in kebab case, and a one-line error naming the file
/// when it cannot be read.
/// </summary>
public static class ConfigJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static string Write<T>(T config) => JsonSerializer.Serialize(config, Options);

    public static JsonObject ToObject<T>(T config) => JsonNode.Parse(Write(config))!.AsObject();

    /// <summary>The JSON object a saved configuration holds, before it is read into a type (to look at its version first).</summary>
    public static JsonObject Parse(string json, string source)
    {
        try
        {
            return JsonNode.Parse(json) as JsonObject ?? throw new CheckpointException($"{source}: the configuration is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"{source}: unreadable configuration ({e.Message.Split('.')[0]})");
        }
    }

    public static T Read<T>(string json, string source) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options) ?? throw new CheckpointException($"{source}: empty configuration");
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"{source}: unreadable configuration ({e.Message.Split('.')[0]})");
        }
    }
}
