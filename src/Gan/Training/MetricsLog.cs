using System.Text;

namespace KernelGan.Gan.Training;

/// <summary>
/// metrics.csv: one row per step. On resume the file is cut back to the checkpoint's step, so
/// the curve shows each step once even after steps were lost to an interruption.
/// </summary>
public sealed class MetricsLog : IDisposable
{
    private readonly StreamWriter _writer;

    public MetricsLog(string path, string header, long resumeStep)
    {
        var kept = new List<string>();
        if (resumeStep > 0 && File.Exists(path))
        {
            var lines = File.ReadAllLines(path);
            // Only whole rows: a kill can cut the last row short ("1" of "12,...", which would read as step 1).
            int columns = header.Split(',').Length;
            kept.AddRange(lines.Skip(1).Where(l => l.Split(',') is var f && f.Length == columns && long.TryParse(f[0], out long s) && s <= resumeStep));
        }
        // The cut-back file replaces the old one in one rename, so a kill here cannot lose the rows
        // before the checkpoint; new rows are then appended.
        var text = new StringBuilder(header).Append('\n');
        foreach (var l in kept) text.Append(l).Append('\n');
        Data.AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(text.ToString()));
        _writer = new StreamWriter(path, append: true, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    public void Append(string row) => _writer.WriteLine(row);

    public void Flush() => _writer.Flush();

    public void Dispose() => _writer.Dispose();
}
