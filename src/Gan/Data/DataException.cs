namespace KernelGan.Gan.Data;

/// <summary>
/// A problem with input data (a missing, unreadable or malformed file, an inconsistent dataset).
/// The CLI prints only <see cref="Exception.Message"/> for this type, never a stack trace, so every
/// message must stand alone on one line and name the offending path (and line, where there is one)
/// together with the reason, e.g. <c>images/cat.png: not a PNG/JPEG/BMP image</c>.
/// </summary>
public sealed class DataException : Exception
{
    public DataException(string message) : base(message) { }

    public DataException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Builds the conventional "path: reason" message.</summary>
    public static DataException ForPath(string path, string reason) => new($"{path}: {reason}");

    /// <summary>Builds the conventional "path line N: reason" message for text files.</summary>
    public static DataException ForLine(string path, int lineNumber, string reason) =>
        new($"{path} line {lineNumber}: {reason}");
}
