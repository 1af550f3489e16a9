using KernelGan.Gan.Reporting;

namespace KernelGan.Gan.Prior;

/// <summary>
/// RUN/report.html of an independence-prior run (train --model prior, hoc): notes and result
/// tables, a gallery of real images with their masks (box-level runs), the training curves from
/// metrics.csv, pictures at a readable size (hoc's numbered overlay, the latest sample grids of
/// providers and layout) and the configuration. Rewritten whenever something new is known.
/// </summary>
public static class PriorReport
{
    public sealed record Table(string Title, string[] Header, IReadOnlyList<string[]> Rows);

    public sealed record Picture(string File, string Caption);

    public static void Write(string runDir, string title, string configJson, IReadOnlyList<string> notes,
                             IReadOnlyList<Table> tables, IReadOnlyList<Picture> pictures, RunReport.Gallery? gallery = null)
    {
        var sb = ReportPage.Open(title, notes);
        foreach (var t in tables)
        {
            sb.AppendLine($"<h2>{SvgChart.Escape(t.Title)}</h2><table><tr>{string.Concat(t.Header.Select(h => $"<th>{SvgChart.Escape(h)}</th>"))}</tr>");
            foreach (var r in t.Rows) sb.AppendLine($"<tr>{string.Concat(r.Select(c => $"<td>{SvgChart.Escape(c)}</td>"))}</tr>");
            sb.AppendLine("</table>");
        }
        if (gallery is not null) ReportGallery.Append(sb, "Masks on real images", gallery.Intro, gallery.Tiles);
        ReportPage.AppendCurves(sb, runDir, m =>
        [
            SvgChart.Lines("GAN losses (smoothed)", m.Steps, [("D", m.Smoothed("loss_d")), ("G adversarial", m.Smoothed("adv"))]),
            SvgChart.Lines("masks: instance area, union, binarization", m.Steps, [("instance area", m.Smoothed("area")), ("union of masks", m.Smoothed("mask_mean")), ("min(m,1-m)", m.Smoothed("binarization"))]),
            SvgChart.Lines("layout: mean instance scale", m.Steps, [("scale", m.Smoothed("scale"))]),
            SvgChart.Lines("D scores (logits)", m.Steps, [("real", m.Smoothed("d_real")), ("fake", m.Smoothed("d_fake"))]),
            SvgChart.Lines("independence (MINE bound, if on)", m.Steps, [("MI", m.Smoothed("mi"))]),
        ]);
        if (pictures.Count > 0)
        {
            sb.AppendLine("<h2>Pictures</h2><p>Sample grids, one row per sample: the composite with each instance's canonical frame drawn where the layout module placed it (one colour per slot) | the background | for each slot, what its provider generated at the canonical pose and the placed layer | the union mask.</p>");
            foreach (var p in pictures)
                sb.AppendLine($"<figure>{ReportPicture.Tag(runDir, p.File)}<figcaption>{SvgChart.Escape(p.Caption)}</figcaption></figure>");
        }
        ReportPage.Close(sb, runDir, configJson);
    }

    /// <summary>The newest sample grids of the run, newest first, as pictures.</summary>
    public static List<Picture> LatestGrids(string runDir, int count = 2)
    {
        string samples = Path.Combine(runDir, "samples");
        if (!Directory.Exists(samples)) return [];
        return Directory.GetFiles(samples, "*.png").OrderBy(f => f, StringComparer.Ordinal).TakeLast(count).Reverse()
            .Select(f => new Picture(Path.GetRelativePath(runDir, f), "generated samples: " + Path.GetFileNameWithoutExtension(f))).ToList();
    }
}
