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
            kept.AddRange(lines.Skip(1).Where(l => long.TryParse(l.Split(',')[0], out long s) && s <= resumeStep));
        }
        _writer = new StreamWriter(path, append: false, Encoding.UTF8);
        _writer.WriteLine(header);
        foreach (var l in kept) _writer.WriteLine(l);
        _writer.Flush();
    }

    public void Append(string row) => _writer.WriteLine(row);

    public void Flush() => _writer.Flush();

    public void Dispose() => _writer.Dispose();
}
