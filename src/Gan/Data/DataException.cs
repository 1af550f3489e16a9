namespace KernelGan.Gan.Data;

/// <summary>Bad input data (missing, corrupt, wrong size); the one-line message names the path and the reason.</summary>
public sealed class DataException(string message) : Exception(message);
