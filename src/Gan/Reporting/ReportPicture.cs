using KernelGan.Gan.Data;

namespace KernelGan.Gan.Reporting;

/// <summary>
/// An image in report.html at a readable size: a small PNG (a 32-px sample grid, an HOC overlay)
/// is shown a whole number of times larger with nearest-neighbour scaling, so its pixels stay
/// sharp; a PNG already large enough is shown as it is (narrowed to the page if wider).
/// </summary>
public static class ReportPicture
{
    /// <summary>Width in CSS pixels a picture is enlarged towards.</summary>
    public const int TargetWidth = 560;

    /// <summary>The whole factor that brings a picture <paramref name="width"/> px wide closest to <paramref name="target"/> without passing it (at least 1).</summary>
    public static int Scale(int width, int target = TargetWidth) => Math.Max(1, target / Math.Max(1, width));

    /// <summary>An &lt;img&gt; tag for RUN/<paramref name="relativeFile"/>, enlarged by <see cref="Scale"/> when its PNG can be read.</summary>
    public static string Tag(string runDir, string relativeFile, int target = TargetWidth)
    {
        string src = SvgChart.Escape(relativeFile.Replace('\\', '/'));
        string path = Path.Combine(runDir, relativeFile);
        if (!File.Exists(path)) return $"<img src=\"{src}\">";
        int width;
        try { width = ImageIo.ReadSize(path).Width; }
        catch (DataException) { return $"<img src=\"{src}\">"; } // a picture being replaced: show it unscaled rather than fail the report
        int k = Scale(width, target);
        return k == 1 ? $"<img src=\"{src}\">" : $"<img class=\"px\" src=\"{src}\" width=\"{width * k}\">";
    }
}
