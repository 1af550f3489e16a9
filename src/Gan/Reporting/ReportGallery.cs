namespace KernelGan.Gan.Reporting;

/// <summary>The "masks on real images" section of report.html: captioned pictures in rows.</summary>
public static class ReportGallery
{
    public sealed record Tile(string File, string Caption);

    public const string Style = ".gallery{display:flex;flex-wrap:wrap}.gallery figure{margin:4px 8px 8px 0}.gallery figcaption{font-size:12px}";

    public static void Append(System.Text.StringBuilder sb, string title, string intro, IReadOnlyList<Tile> tiles)
    {
        if (tiles.Count == 0) return;
        sb.AppendLine($"<h2>{SvgChart.Escape(title)}</h2><p>{SvgChart.Escape(intro)}</p><div class=\"gallery\">");
        foreach (var t in tiles)
            sb.AppendLine($"<figure><img src=\"{SvgChart.Escape(t.File.Replace('\\', '/'))}\"><figcaption>{SvgChart.Escape(t.Caption)}</figcaption></figure>");
        sb.AppendLine("</div>");
    }
}
