namespace KernelGan.Gan.Data;

/// <summary>Which part of a dataset to read. Training data of unsupervised methods never exposes masks.</summary>
public enum DataSplit
{
    Train,
    Test,
}

public static class DataSplitNames
{
    /// <summary>Parses "train" or "test" (case-insensitive); anything else is a <see cref="DataException"/>.</summary>
    public static DataSplit Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "train" => DataSplit.Train,
        "test" => DataSplit.Test,
        _ => throw new DataException($"unknown split '{text}' (expected train or test)"),
    };

    public static string Name(this DataSplit split) => split == DataSplit.Train ? "train" : "test";
}
