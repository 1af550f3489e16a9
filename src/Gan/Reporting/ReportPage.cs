using System.Globalization;
using System.Text;

namespace KernelGan.Gan.Reporting;

/// <summary>
/// The frame every RUN/report.html shares (ILSGAN, box-level prior, HOC): title and notes at the
/// top, training curves drawn from RUN/metrics.csv, the configuration at the bottom, written
/// atomically. The reports fill in what lies between.
/// </summary>
public static class ReportPage
{
    /// <summary>The columns of a metrics.csv, each smoothed over a window of 1/50 of the run.</summary>
    public sealed class Metrics(IReadOnlyList<double> steps, Func<string, IReadOnlyList<double>> column)
    {
        public IReadOnlyList<double> Steps { get; } = steps;
        public IReadOnlyList<double> Smoothed(string name) => SvgChart.Smooth(column(name), Math.Max(1, Steps.Count / 50));
    }

    public static StringBuilder Open(string title, IReadOnlyList<string> notes)
    {
        var sb = new StringBuilder();
        sb.AppendLine("<!doctype html><html><head><meta charset=\"utf-8\"><title>" + SvgChart.Escape(title) + "</title>");
        sb.AppendLine("<style>body{font-family:sans-serif;margin:24px;max-width:1200px}table{border-collapse:collapse;margin-bottom:12px}td,th{border:1px solid #ccc;padding:4px 8px}pre{background:#f6f6f6;padding:8px;overflow:auto}img{max-width:100%}img.px{image-rendering:pixelated}.charts svg{margin:4px}" + ReportGallery.Style + "</style></head><body>");
        sb.AppendLine($"<h1>{SvgChart.Escape(title)}</h1>");
        foreach (var n in notes) sb.AppendLine($"<p>{SvgChart.Escape(n)}</p>");
        return sb;
    }

    /// <summary>The "Training curves" section: <paramref name="charts"/> drawn from RUN/metrics.csv once it has a few rows.</summary>
    public static void AppendCurves(StringBuilder sb, string runDir, Func<Metrics, IEnumerable<string>> charts)
    {
        sb.AppendLine("<h2>Training curves</h2><div class=\"charts\">");
        string path = Path.Combine(runDir, "metrics.csv");
        var lines = File.Exists(path) ? File.ReadAllLines(path) : [];
        if (lines.Length == 0) sb.AppendLine("<p>no metrics yet</p>");
        else if (lines.Length < 3) sb.AppendLine("<p>not enough steps yet</p>");
        else
        {
            var header = lines[0].Split(',');
            var rows = lines.Skip(1).Select(l => l.Split(',')).Where(r => r.Length == header.Length).ToList();
            IReadOnlyList<double> Column(string name)
            {
                int i = Array.IndexOf(header, name);
                return i < 0 ? [] : rows.Select(r => double.TryParse(r[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN).ToList();
            }
            foreach (var chart in charts(new Metrics(Column("step"), Column))) sb.AppendLine(chart);
        }
        sb.AppendLine("</div>");
    }

    public static void Close(StringBuilder sb, string runDir, string configJson)
    {
        sb.AppendLine("<h2>Configuration</h2><pre>" + SvgChart.Escape(configJson) + "</pre></body></html>");
        Data.AtomicFile.WriteAllBytes(Path.Combine(runDir, "report.html"), Encoding.UTF8.GetBytes(sb.ToString()));
    }
}
