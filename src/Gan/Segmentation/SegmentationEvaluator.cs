using KernelGan.Gan.Data;

namespace KernelGan.Gan.Segmentation;

/// <summary>
/// Scores predicted masks against ground truth: foreground IoU and DICE per image at threshold
/// 0.5, averaged. Crop datasets (box-level, CUB) are scored on full images, with the crop's mask
/// pasted back; others at the dataset's size. Reports the trivial baselines beside the model.
/// </summary>
public static class SegmentationEvaluator
{
    /// <param name="ItemIou">The model's IoU on each item, in the dataset's order (the report's gallery picks its worst and best).</param>
    /// <param name="Refined">The masks after <see cref="MaskRefiner"/>, when asked for (reported beside the U-Net's, never instead).</param>
    public sealed record Evaluation(MaskScore Model, MaskScore CentredEllipse, MaskScore? BoxAsMask, IReadOnlyList<double> ItemIou, MaskScore? Refined = null);

    /// <param name="refine">Also score the U-Net's masks refined on each image (<see cref="MaskRefiner"/>); null: not.</param>
    public static Evaluation Evaluate(MaskPredictor predictor, IImageDataset data, IProgress<int>? progress = null, Classical.GrabCut.RefineOptions? refine = null)
    {
        var model = new MaskScoreAccumulator();
        var refined = refine is null ? null : new MaskScoreAccumulator();
        var truths = new List<HostImage>();
        var itemIou = new List<double>();
        const int chunk = 64;
        for (int start = 0; start < data.Count; start += chunk)
        {
            int n = Math.Min(chunk, data.Count - start);
            var images = Enumerable.Range(start, n).Select(data.Image).ToList();
            var predictions = predictor.Predict(images);
            var refinedMasks = refine is null ? null : MaskRefiner.Refine(images, predictions, refine);
            for (int i = 0; i < n; i++)
            {
                int index = start + i;
                var (prediction, truth) = Align(data, index, predictions[i]);
                model.Add(prediction, truth);
                if (refinedMasks is not null) refined!.Add(Align(data, index, refinedMasks[i]).Prediction, truth);
                itemIou.Add(MaskMetrics.Iou(prediction, truth));
                truths.Add(truth);
            }
            progress?.Report(start + n);
        }
        var ellipse = EllipseScore(truths);
        var box = data is IFullImageDataset full && full.Box(0) is not null ? BoxScore(full) : (MaskScore?)null;
        return new Evaluation(model.Score, ellipse, box, itemIou, refined?.Score);
    }

    /// <summary>Prediction and ground truth at the resolution they are compared at.</summary>
    internal static (HostImage Prediction, HostImage Truth) Align(IImageDataset data, int index, HostImage prediction)
    {
        if (data is IFullImageDataset full && full.FullMask(index) is { } fullMask)
        {
            return (BoxBound.PasteCropMask(full, index, prediction, fullMask.Height, fullMask.Width), fullMask);
        }
        var truth = data.Mask(index) ?? throw new DataException($"{data.Name(index)}: no ground-truth mask to evaluate against");
        return (prediction, truth);
    }

    /// <summary>
    /// The centred-ellipse baseline: one fixed ellipse, centred, whose area is the mean foreground
    /// area of the evaluated masks (a generous baseline: it uses the ground truth's statistics).
    /// </summary>
    private static MaskScore EllipseScore(List<HostImage> truths)
    {
        var acc = new MaskScoreAccumulator();
        foreach (var group in truths.GroupBy(t => (t.Height, t.Width)))
        {
            var ellipse = Baselines.CentredEllipse(group.ToList());
            foreach (var t in group) acc.Add(ellipse, t);
        }
        return acc.Score;
    }

    /// <summary>The box itself as the mask, on full images: what box-level segmentation must beat.</summary>
    private static MaskScore BoxScore(IFullImageDataset data)
    {
        var acc = new MaskScoreAccumulator();
        for (int i = 0; i < data.Count; i++)
        {
            if (data.FullMask(i) is not { } truth || data.Box(i) is not { } box) continue;
            var mask = new HostImage(1, truth.Height, truth.Width);
            BoxBound.Fill(mask, box.X, box.Y, box.Width, box.Height);
            acc.Add(mask, truth);
        }
        return acc.Score;
    }
}
