using KernelGan.Gan.Classical;
using KernelGan.Gan.Data;
using KernelGan.Gan.Segmentation;

namespace KernelGan.Gan.Prior;

/// <summary>
/// Box-level scoring per full image, as `kernelgan segment --boxes` produces masks: each box's
/// crop is segmented, its mask pasted back (zero outside the crop), the masks of all boxes of an
/// image are united, and the union is compared with the image's full ground truth (IoU/DICE at
/// 0.5, averaged over images). The baselines get the same treatment: the boxes themselves filled,
/// and GrabCut run from each box on the same crop at the model's resolution.
/// (SegmentationEvaluator scores each box item against the whole image's mask instead, which caps
/// every method below 1 on images with several objects; its numbers are reported beside these.)
/// </summary>
public static class FullImageEvaluation
{
    /// <param name="Refined">The model's masks refined on each crop with the box as a hard bound (<see cref="RefineOnCrop"/>).</param>
    public sealed record Result(MaskScore Model, MaskScore BoxAsMask, MaskScore? GrabCut, int Images, int Boxes, MaskScore? Refined = null);

    public static Result Evaluate(MaskPredictor predictor, IFullImageDataset data, bool withGrabCut, IProgress<int>? progress = null)
    {
        var groups = Enumerable.Range(0, data.Count).GroupBy(i => data.Name(i).Split('#')[0]).ToList();
        var model = new MaskScoreAccumulator();
        var box = new MaskScoreAccumulator();
        var grabCut = new MaskScoreAccumulator();
        var refined = new MaskScoreAccumulator();
        int done = 0, boxes = 0;
        foreach (var chunk in groups.Chunk(32))
        {
            var items = chunk.SelectMany(g => g).ToList();
            var predictions = predictor.Predict(items.Select(data.Image).ToList());
            var byItem = items.Select((item, k) => (item, k)).ToDictionary(p => p.item, p => predictions[p.k]);
            var grabCuts = new Dictionary<int, HostImage>();
            var refinedCrops = new Dictionary<int, HostImage>();
            if (withGrabCut)
            {
                var results = new HostImage[items.Count];
                var refinedResults = new HostImage[items.Count];
                Parallel.For(0, items.Count, k =>
                {
                    results[k] = GrabCutOnCrop(data, items[k]);
                    refinedResults[k] = RefineOnCrop(data, items[k], predictions[k]);
                });
                for (int k = 0; k < items.Count; k++) { grabCuts[items[k]] = results[k]; refinedCrops[items[k]] = refinedResults[k]; }
            }
            foreach (var group in chunk)
            {
                int first = group.First();
                if (data.FullMask(first) is not { } truth) continue;
                var unionModel = new HostImage(1, truth.Height, truth.Width);
                var unionBox = new HostImage(1, truth.Height, truth.Width);
                var unionGrabCut = new HostImage(1, truth.Height, truth.Width);
                var unionRefined = new HostImage(1, truth.Height, truth.Width);
                foreach (int i in group)
                {
                    var window = data.Window(i);
                    Max(unionModel, ImageOps.PasteCropMask(byItem[i], window, truth.Height, truth.Width, binarize: false));
                    if (data.Box(i) is { } b) FillBox(unionBox, b);
                    if (withGrabCut) Max(unionGrabCut, ImageOps.PasteCropMask(grabCuts[i], window, truth.Height, truth.Width, binarize: false));
                    if (withGrabCut) Max(unionRefined, ImageOps.PasteCropMask(refinedCrops[i], window, truth.Height, truth.Width, binarize: false));
                    boxes++;
                }
                model.Add(unionModel, truth);
                box.Add(unionBox, truth);
                if (withGrabCut) { grabCut.Add(unionGrabCut, truth); refined.Add(unionRefined, truth); }
            }
            done += items.Count;
            progress?.Report(done);
        }
        return new Result(model.Score, box.Score, withGrabCut ? grabCut.Score : null, model.Score.Count, boxes, withGrabCut ? refined.Score : null);
    }

    /// <summary>GrabCut on item i's crop (the model's input), from the box mapped into the crop.</summary>
    public static HostImage GrabCutOnCrop(IFullImageDataset data, int i)
    {
        var crop = data.Image(i);
        if (BoxInCrop(data, i) is not { } b) return new HostImage(1, crop.Height, crop.Width);
        return GrabCut.Segment(crop, b.X0, b.Y0, b.X1, b.Y1);
    }

    /// <summary>
    /// The model's mask of item i refined on its crop (<see cref="GrabCut.Refine"/>, the same
    /// refinement ILSGAN runs use), with what the box says: outside it is background.
    /// </summary>
    public static HostImage RefineOnCrop(IFullImageDataset data, int i, HostImage probability) =>
        GrabCut.Refine(data.Image(i), probability, new GrabCut.RefineOptions(), BoxInCrop(data, i));

    /// <summary>Item i's box in its crop's pixels, or null for an item without a box.</summary>
    private static (int X0, int Y0, int X1, int Y1)? BoxInCrop(IFullImageDataset data, int i)
    {
        if (data.Box(i) is not { } box) return null;
        var window = data.Window(i);
        double scale = (double)data.Size / window.Side; // every item is Size x Size
        return ((int)Math.Floor((box.X - window.X) * scale), (int)Math.Floor((box.Y - window.Y) * scale),
                (int)Math.Ceiling((box.X + box.Width - window.X) * scale), (int)Math.Ceiling((box.Y + box.Height - window.Y) * scale));
    }

    private static void Max(HostImage into, HostImage other)
    {
        for (int p = 0; p < into.Data.Length; p++) into.Data[p] = Math.Max(into.Data[p], other.Data[p]);
    }

    private static void FillBox(HostImage mask, BoxAnnotation b)
    {
        for (int y = Math.Max(0, (int)b.Y); y < Math.Min(mask.Height, (int)Math.Ceiling(b.Y + b.Height)); y++)
            for (int x = Math.Max(0, (int)b.X); x < Math.Min(mask.Width, (int)Math.Ceiling(b.X + b.Width)); x++)
                mask[0, y, x] = 1f;
    }
}
