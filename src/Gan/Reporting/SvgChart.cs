using System.Globalization;
using System.Text;

namespace KernelGan.Gan.Reporting;

/// <summary>A minimal line chart as inline SVG (no scripts, no external files), for report.html.</summary>
public static class SvgChart
{
    private static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b"];

    public static string Lines(string title, IReadOnlyList<double> x, IReadOnlyList<(string Name, IReadOnlyList<double> Values)> series,
                               int width = 460, int height = 240)
    {
        const int left = 52, right = 12, top = 26, bottom = 30;
        var finite = series.SelectMany(s => s.Values).Where(double.IsFinite).ToList();
        var sb = new StringBuilder();
        sb.Append(FormattableString.Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"11\">"));
        sb.Append(FormattableString.Invariant($"<text x=\"{left}\" y=\"16\" font-size=\"13\" font-weight=\"bold\">{Escape(title)}</text>"));
        if (x.Count < 2 || finite.Count == 0)
        {
            sb.Append(FormattableString.Invariant($"<text x=\"{left}\" y=\"{height / 2}\">not enough points yet</text></svg>"));
            return sb.ToString();
        }
        double x0 = x[0], x1 = x[^1];
        double y0 = finite.Min(), y1 = finite.Max();
        if (y1 - y0 < 1e-12) { y0 -= 0.5; y1 += 0.5; }
        double pw = width - left - right, ph = height - top - bottom;
        double Sx(double v) => left + (v - x0) / Math.Max(1e-12, x1 - x0) * pw;
        double Sy(double v) => top + (1 - (v - y0) / (y1 - y0)) * ph;
        sb.Append(FormattableString.Invariant($"<rect x=\"{left}\" y=\"{top}\" width=\"{pw}\" height=\"{ph}\" fill=\"none\" stroke=\"#999\"/>"));
        for (int t = 0; t <= 4; t++)
        {
            double v = y0 + (y1 - y0) * t / 4;
            double yy = Sy(v);
            sb.Append(FormattableString.Invariant($"<line x1=\"{left}\" x2=\"{left + pw}\" y1=\"{yy:F1}\" y2=\"{yy:F1}\" stroke=\"#eee\"/>"));
            sb.Append(FormattableString.Invariant($"<text x=\"{left - 4}\" y=\"{yy + 4:F1}\" text-anchor=\"end\">{v:G3}</text>"));
        }
        sb.Append(FormattableString.Invariant($"<text x=\"{left}\" y=\"{height - 8}\">{x0:G6}</text>"));
        sb.Append(FormattableString.Invariant($"<text x=\"{left + pw}\" y=\"{height - 8}\" text-anchor=\"end\">{x1:G6}</text>"));
        for (int s = 0; s < series.Count; s++)
        {
            var (name, values) = series[s];
            string color = Palette[s % Palette.Length];
            var points = new StringBuilder();
            // Thin long curves to ~600 points; the chart is a few hundred pixels wide.
            int stride = Math.Max(1, values.Count / 600);
            for (int i = 0; i < values.Count; i += stride)
                if (double.IsFinite(values[i]))
                    points.Append(FormattableString.Invariant($"{Sx(x[i]):F1},{Sy(values[i]):F1} "));
            sb.Append($"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.3\" points=\"{points}\"/>");
            sb.Append(FormattableString.Invariant($"<text x=\"{left + 8 + 90 * s}\" y=\"{top + 14}\" fill=\"{color}\">{Escape(name)}</text>"));
        }
        sb.Append("</svg>");
        return sb.ToString();
    }

    /// <summary>Moving average over a window, so noisy GAN losses show their trend.</summary>
    public static IReadOnlyList<double> Smooth(IReadOnlyList<double> values, int window)
    {
        var result = new double[values.Count];
        double sum = 0;
        var queue = new Queue<double>();
        for (int i = 0; i < values.Count; i++)
        {
            double v = double.IsFinite(values[i]) ? values[i] : 0;
            queue.Enqueue(v);
            sum += v;
            if (queue.Count > window) sum -= queue.Dequeue();
            result[i] = sum / queue.Count;
        }
        return result;
    }

    public static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");

    internal static double Parse(string s) => double.Parse(s, CultureInfo.InvariantCulture);
}
