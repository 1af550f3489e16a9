namespace KernelGan.Tests.Training;

/// <summary>The config.json files in tests/Training/OldConfigs/ (see its README), as copied beside the test assembly.</summary>
public static class OldConfigs
{
    /// <summary>An ILSGAN run's config.json from before the "Version" field (version 1).</summary>
    public static string IlsganVersion1 => Path.Combine(AppContext.BaseDirectory, "Training", "OldConfigs", "ilsgan-v1.json");

    /// <summary>A prior run's config.json from before the "Version" field (version 1).</summary>
    public static string PriorVersion1 => Path.Combine(AppContext.BaseDirectory, "Training", "OldConfigs", "prior-v1.json");
}
