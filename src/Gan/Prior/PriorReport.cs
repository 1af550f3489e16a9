using System.Globalization;
using System.Text;
using KernelGan.Gan.Reporting;

namespace KernelGan.Gan.Prior;

/// <summary>
/// RUN/report.html of an independence-prior run (train --model prior, hoc): notes and result
/// tables, the training curves from metrics.csv, pictures (overlay, the latest sample grids of
/// providers and layout) and the configuration. Rewritten whenever something new is known.
/// </summary>
public static class PriorReport
{
    public sealed record Table(string Title, string[] Header, IReadOnlyList<string[]> Rows);

    public sealed record Picture(string File, string Caption);

    public static void Write(string runDir, string title, string configJson, IReadOnlyList<string> notes,
                             IReadOnlyList<Table> tables, IReadOnlyList<Picture> pictures)
    {
        var sb = new StringBuilder();
        sb.AppendLine("<!doctype html><html><head><meta charset=\"utf-8\"><title>" + SvgChart.Escape(title) + "</title>");
        sb.AppendLine("<style>body{font-family:sans-serif;margin:24px;max-width:1200px}table{border-collapse:collapse;margin-bottom:12px}td,th{border:1px solid #ccc;padding:4px 8px}pre{background:#f6f6f6;padding:8px;overflow:auto}img{image-rendering:pixelated;max-width:100%}.charts svg{margin:4px}</style></head><body>");
        sb.AppendLine($"<h1>{SvgChart.Escape(title)}</h1>");
        foreach (var n in notes) sb.AppendLine($"<p>{SvgChart.Escape(n)}</p>");
        foreach (var t in tables)
        {
            sb.AppendLine($"<h2>{SvgChart.Escape(t.Title)}</h2><table><tr>{string.Concat(t.Header.Select(h => $"<th>{SvgChart.Escape(h)}</th>"))}</tr>");
            foreach (var r in t.Rows) sb.AppendLine($"<tr>{string.Concat(r.Select(c => $"<td>{SvgChart.Escape(c)}</td>"))}</tr>");
            sb.AppendLine("</table>");
        }
        sb.AppendLine("<h2>Training curves</h2><div class=\"charts\">");
        sb.AppendLine(Curves(Path.Combine(runDir, "metrics.csv")));
        sb.AppendLine("</div>");
        if (pictures.Count > 0)
        {
            sb.AppendLine("<h2>Pictures</h2><p>Sample grids, one row per sample: the composite with each instance's canonical frame drawn where the layout module placed it (one colour per slot) | the background | for each slot, what its provider generated at the canonical pose and the placed layer | the union mask.</p>");
            foreach (var p in pictures)
                sb.AppendLine($"<figure><img src=\"{SvgChart.Escape(p.File)}\"><figcaption>{SvgChart.Escape(p.Caption)}</figcaption></figure>");
        }
        sb.AppendLine("<h2>Configuration</h2><pre>" + SvgChart.Escape(configJson) + "</pre></body></html>");
        Data.AtomicFile.WriteAllBytes(Path.Combine(runDir, "report.html"), Encoding.UTF8.GetBytes(sb.ToString()));
    }

    /// <summary>The newest sample grids of the run, newest first, as pictures.</summary>
    public static List<Picture> LatestGrids(string runDir, int count = 2)
    {
        string samples = Path.Combine(runDir, "samples");
        if (!Directory.Exists(samples)) return [];
        return Directory.GetFiles(samples, "*.png").OrderBy(f => f, StringComparer.Ordinal).TakeLast(count).Reverse()
            .Select(f => new Picture(Path.GetRelativePath(runDir, f), "generated samples: " + Path.GetFileNameWithoutExtension(f))).ToList();
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
            return i < 0 ? [] : rows.Select(r => double.TryParse(r[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN).ToList();
        }
        var x = Column("step");
        int window = Math.Max(1, x.Count / 50);
        IReadOnlyList<double> S(string name) => SvgChart.Smooth(Column(name), window);
        return string.Join("\n",
            SvgChart.Lines("GAN losses (smoothed)", x, [("D", S("loss_d")), ("G adversarial", S("adv"))]),
            SvgChart.Lines("masks: instance area, union, binarization", x, [("instance area", S("area")), ("union of masks", S("mask_mean")), ("min(m,1-m)", S("binarization"))]),
            SvgChart.Lines("layout: mean instance scale", x, [("scale", S("scale"))]),
            SvgChart.Lines("D scores (logits)", x, [("real", S("d_real")), ("fake", S("d_fake"))]),
            SvgChart.Lines("independence (MINE bound, if on)", x, [("MI", S("mi"))]));
    }
}
