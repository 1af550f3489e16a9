using System.Globalization;
using KernelGan.Gan.Data;
using KernelGan.Gan.Reporting;

namespace KernelGan.Gan.Segmentation;

/// <summary>
/// RUN/gallery/NNN.png: real images with the segmenter's masks drawn over them, what a user looks
/// at to judge a run. Where ground truth exists each picture is truth | prediction, and the
/// pictures are the worst-scored items first, then the best (<see cref="GallerySelection"/>);
/// otherwise the first items, prediction only. Small images are enlarged with nearest-neighbour
/// scaling before drawing, so the outline stays one screen pixel thin.
/// </summary>
public static class MaskGallery
{
    public const string Folder = "gallery";
    public static readonly float[] TruthColour = [0.1f, 0.85f, 0.2f], PredictionColour = [1f, 0.15f, 0.6f];

    /// <summary>Pictures are enlarged (by whole factors) until their longer side reaches this.</summary>
    public const int MinimumSide = 128;

    public const int UnscoredCount = GallerySelection.DefaultWorst + GallerySelection.DefaultBest;

    /// <summary>Writes the gallery (replacing an earlier one) and returns its tiles in display order.</summary>
    /// <param name="itemIou">Per-item IoU from <see cref="SegmentationEvaluator.Evaluate"/> on the same data, or null when there is no truth.</param>
    public static List<ReportGallery.Tile> Write(MaskPredictor predictor, IImageDataset data, IReadOnlyList<double>? itemIou, string runDir)
    {
        if (itemIou is not null && itemIou.Count != data.Count)
            throw new ArgumentException($"gallery: {itemIou.Count} scores for {data.Count} items");
        string dir = Path.Combine(runDir, Folder);
        if (Directory.Exists(dir))
            foreach (var old in Directory.GetFiles(dir, "*.png")) File.Delete(old); // a shorter gallery must not keep stale pictures
        var picks = itemIou is null ? Enumerable.Range(0, Math.Min(UnscoredCount, data.Count)).ToList() : GallerySelection.WorstThenBest(itemIou);
        int worst = itemIou is null ? 0 : Math.Min(GallerySelection.DefaultWorst, picks.Count);
        var predictions = predictor.Predict(picks.Select(data.Image).ToList());
        var tiles = new List<ReportGallery.Tile>();
        for (int k = 0; k < picks.Count; k++)
        {
            int i = picks[k];
            string file = Path.Combine(Folder, k.ToString("D3", CultureInfo.InvariantCulture) + ".png");
            string caption;
            HostImage picture;
            if (itemIou is null)
            {
                picture = Draw(data.Image(i), predictions[k], PredictionColour);
                caption = data.Name(i);
            }
            else
            {
                var (prediction, truth) = SegmentationEvaluator.Align(data, i, predictions[k]);
                var image = data is IFullImageDataset full && full.FullMask(i) is not null ? full.FullImage(i) : data.Image(i);
                picture = ImageOps.MakeGrid([Draw(image, truth, TruthColour), Draw(image, prediction, PredictionColour)], 2);
                caption = FormattableString.Invariant($"{(k < worst ? "worst" : "best")} #{(k < worst ? k + 1 : k - worst + 1)}: {data.Name(i)}, IoU {itemIou[i]:F3}");
            }
            ImageIo.SavePng(Path.Combine(runDir, file), picture);
            tiles.Add(new ReportGallery.Tile(file, caption));
        }
        return tiles;
    }

    /// <summary>The report's words for what the gallery shows.</summary>
    public static string Intro(bool scored) => scored
        ? $"Left: the true mask (green); right: the segmenter's (magenta), over the real image. The {GallerySelection.DefaultWorst} worst-scored images first, then the {GallerySelection.DefaultBest} best."
        : "The segmenter's masks (magenta) over the real images; there are no true masks to compare with.";

    /// <summary>The mask (thresholded at 0.5) over the image, both enlarged to at least <see cref="MinimumSide"/> px.</summary>
    public static HostImage Draw(HostImage image, HostImage mask, float[] colour)
    {
        int k = Math.Max(1, MinimumSide / Math.Max(image.Width, image.Height));
        return MaskOverlay.Binary(ImageOps.UpscaleNearest(image, k), ImageOps.UpscaleNearest(ImageOps.Threshold(mask), k), colour);
    }
}
