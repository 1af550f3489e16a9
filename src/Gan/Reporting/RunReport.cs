using System.Text;

namespace KernelGan.Gan.Reporting;

/// <summary>
/// Writes RUN/report.html: the run's configuration, loss and mask curves from metrics.csv, the
/// latest sample grids, and the segmentation scores (with baselines) when they exist. Rewritten
/// whenever something new is known, so a running job's report is always current.
/// </summary>
public static class RunReport
{
    public sealed record Score(string Name, double Iou, double Dice, int Count, string Note);

    public static void Write(string runDir, string title, string configJson, IReadOnlyList<string> gridFiles,
                             IReadOnlyList<Score> scores, IReadOnlyList<string> notes)
    {
        var sb = new StringBuilder();
        sb.AppendLine("<!doctype html><html><head><meta charset=\"utf-8\"><title>" + SvgChart.Escape(title) + "</title>");
        sb.AppendLine("<style>body{font-family:sans-serif;margin:24px;max-width:1100px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px}pre{background:#f6f6f6;padding:8px;overflow:auto}img{image-rendering:pixelated;max-width:100%}.charts svg{margin:4px}</style></head><body>");
        sb.AppendLine($"<h1>{SvgChart.Escape(title)}</h1>");
        foreach (var n in notes) sb.AppendLine($"<p>{SvgChart.Escape(n)}</p>");

        if (scores.Count > 0)
        {
            sb.AppendLine("<h2>Segmentation</h2><table><tr><th>method</th><th>IoU</th><th>DICE</th><th>images</th><th>note</th></tr>");
            foreach (var s in scores)
                sb.AppendLine(FormattableString.Invariant($"<tr><td>{SvgChart.Escape(s.Name)}</td><td>{s.Iou:F3}</td><td>{s.Dice:F3}</td><td>{s.Count}</td><td>{SvgChart.Escape(s.Note)}</td></tr>"));
            sb.AppendLine("</table>");
        }

        sb.AppendLine("<h2>Training curves</h2><div class=\"charts\">");
        sb.AppendLine(Curves(Path.Combine(runDir, "metrics.csv")));
        sb.AppendLine("</div>");

        if (gridFiles.Count > 0)
        {
            sb.AppendLine("<h2>Samples</h2><p>Each row: composite | foreground | background | mask (from the EMA generator).</p>");
            foreach (var g in gridFiles)
                sb.AppendLine($"<figure><img src=\"{SvgChart.Escape(g)}\"><figcaption>{SvgChart.Escape(g)}</figcaption></figure>");
        }

        sb.AppendLine("<h2>Configuration</h2><pre>" + SvgChart.Escape(configJson) + "</pre></body></html>");
        Data.AtomicFile.WriteAllBytes(Path.Combine(runDir, "report.html"), Encoding.UTF8.GetBytes(sb.ToString()));
    }

    private static string Curves(string metricsPath)
    {
        if (!File.Exists(metricsPath)) return "<p>no metrics yet</p>";
        var lines = File.ReadAllLines(metricsPath);
        if (lines.Length < 3) return "<p>not enough steps yet</p>";
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Select(l => l.Split(',')).Where(r => r.Length == header.Length).ToList();
        IReadOnlyList<double> Column(string name)
        {
            int i = Array.IndexOf(header, name);
            return i < 0 ? [] : rows.Select(r => double.TryParse(r[i], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : double.NaN).ToList();
        }
        var x = Column("step");
        int window = Math.Max(1, x.Count / 50);
        var charts = new List<string>
        {
            SvgChart.Lines("GAN losses (smoothed)", x, [("D", SvgChart.Smooth(Column("loss_d"), window)), ("G adversarial", SvgChart.Smooth(Column("adv"), window))]),
            SvgChart.Lines("mask: mean area and binarization", x, [("area", SvgChart.Smooth(Column("mask_mean"), window)), ("min(m,1-m)", SvgChart.Smooth(Column("binarization"), window))]),
            SvgChart.Lines("layer leakage (MI term)", x, [("MI", SvgChart.Smooth(Column("mi"), window))]),
            SvgChart.Lines("D scores (logits)", x, [("real", SvgChart.Smooth(Column("d_real"), window)), ("fake", SvgChart.Smooth(Column("d_fake"), window))]),
        };
        return string.Join("\n", charts);
    }
}
