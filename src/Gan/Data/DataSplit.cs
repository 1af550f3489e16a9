namespace KernelGan.Gan.Data;

/// <summary>Which part of a dataset to read. Training data of unsupervised methods never exposes masks.</summary>
public enum DataSplit
{
    Train,
    Test,
}

public static class DataSplitNames
{
    public static string Name(this DataSplit split) => split == DataSplit.Train ? "train" : "test";
}
