namespace KernelGan.Gan.Reporting;

/// <summary>
/// Writes RUN/report.html: the segmentation scores (with baselines) when they exist, a gallery of
/// real images with their masks drawn over them, loss and mask curves from metrics.csv, the latest
/// sample grids at a readable size, and the run's configuration. Rewritten
/// whenever something new is known, so a running job's report is always current.
/// </summary>
public static class RunReport
{
    public sealed record Score(string Name, double Iou, double Dice, int Count, string Note);

    /// <summary>The gallery's pictures (<see cref="Segmentation.MaskGallery"/>) and the words that say what they show.</summary>
    public sealed record Gallery(IReadOnlyList<ReportGallery.Tile> Tiles, string Intro);

    /// <summary>What an ILSGAN run's report says about FID: training computes none, and says so rather than leave it out.</summary>
    public const string FidNotComputed = "FID: not computed (no feature network; see eval --fid)";

    /// <summary><paramref name="imageQuality"/>: a line under "Image quality" (e.g. <see cref="FidNotComputed"/>), or none.</summary>
    public static void Write(string runDir, string title, string configJson, IReadOnlyList<string> gridFiles,
                             IReadOnlyList<Score> scores, IReadOnlyList<string> notes, Gallery? gallery = null, string? imageQuality = null)
    {
        var sb = ReportPage.Open(title, notes);
        if (scores.Count > 0)
        {
            sb.AppendLine("<h2>Segmentation</h2><table><tr><th>method</th><th>IoU</th><th>DICE</th><th>images</th><th>note</th></tr>");
            foreach (var s in scores)
                sb.AppendLine(FormattableString.Invariant($"<tr><td>{SvgChart.Escape(s.Name)}</td><td>{s.Iou:F3}</td><td>{s.Dice:F3}</td><td>{s.Count}</td><td>{SvgChart.Escape(s.Note)}</td></tr>"));
            sb.AppendLine("</table>");
        }

        if (imageQuality is not null) sb.AppendLine($"<h2>Image quality</h2><p>{SvgChart.Escape(imageQuality)}</p>");

        if (gallery is not null) ReportGallery.Append(sb, "Masks on real images", gallery.Intro, gallery.Tiles);

        ReportPage.AppendCurves(sb, runDir, m =>
        [
            SvgChart.Lines("GAN losses (smoothed)", m.Steps, [("D", m.Smoothed("loss_d")), ("G adversarial", m.Smoothed("adv"))]),
            SvgChart.Lines("mask: mean area and binarization", m.Steps, [("area", m.Smoothed("mask_mean")), ("min(m,1-m)", m.Smoothed("binarization"))]),
            SvgChart.Lines("layer leakage (MI term)", m.Steps, [("MI", m.Smoothed("mi"))]),
            SvgChart.Lines("D scores (logits)", m.Steps, [("real", m.Smoothed("d_real")), ("fake", m.Smoothed("d_fake"))]),
        ]);

        if (gridFiles.Count > 0)
        {
            sb.AppendLine("<h2>Samples</h2><p>Each row: composite | foreground | background | mask (from the EMA generator).</p>");
            foreach (var g in gridFiles)
                sb.AppendLine($"<figure>{ReportPicture.Tag(runDir, g)}<figcaption>{SvgChart.Escape(g)}</figcaption></figure>");
        }
        ReportPage.Close(sb, runDir, configJson);
    }
}
