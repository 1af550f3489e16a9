using KernelGan.Gan.Classical;
using KernelGan.Gan.Data;
using KernelGan.Gan.Segmentation;

namespace KernelGan.Gan.Prior;

/// <summary>
/// Box-level scoring per full image, as `kernelgan segment --boxes` produces masks: each box's
/// crop is segmented, its mask pasted back (zero outside the box, <see cref="BoxBound"/>), the
/// masks of all boxes of an image are united, and the union is compared with the image's full
/// ground truth (IoU/DICE at 0.5, averaged over images). The baselines get the same treatment: the boxes themselves filled,
/// and GrabCut run from each box on the box's crop at the scene's resolution (at most
/// <see cref="BoxRefinement.MaxSide"/>), where the model's masks are also refined (<see cref="BoxRefinement"/>).
/// (SegmentationEvaluator scores each box item against the whole image's mask instead, which caps
/// every method below 1 on images with several objects; its numbers are reported beside these.)
/// </summary>
public static class FullImageEvaluation
{
    /// <param name="Refined">The model's masks refined on each crop at the scene's resolution, the box as a hard bound (<see cref="BoxRefinement.Refine"/>).</param>
    public sealed record Result(MaskScore Model, MaskScore BoxAsMask, MaskScore? GrabCut, int Images, int Boxes, MaskScore? Refined = null)
    {
        /// <summary>eval.json's "per_image" object, as both `train --boxes` and `eval` write it.</summary>
        public System.Text.Json.Nodes.JsonObject ToJson() => new()
        {
            ["images"] = Images, ["boxes"] = Boxes,
            ["iou"] = Model.MeanIou, ["dice"] = Model.MeanDice,
            ["box_iou"] = BoxAsMask.MeanIou, ["box_dice"] = BoxAsMask.MeanDice,
            ["grabcut_iou"] = GrabCut?.MeanIou, ["grabcut_dice"] = GrabCut?.MeanDice,
            ["refined_iou"] = Refined?.MeanIou, ["refined_dice"] = Refined?.MeanDice,
        };
    }

    public static Result Evaluate(MaskPredictor predictor, IFullImageDataset data, bool withGrabCut, IProgress<int>? progress = null, GrabCut.RefineOptions? refine = null)
    {
        var groups = Enumerable.Range(0, data.Count).GroupBy(i => SceneNames.SceneOf(data.Name(i))).ToList();
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
            var refinedMasks = new Dictionary<int, HostImage>();
            if (withGrabCut)
            {
                // Both at the scene's resolution, on the box's crop of the full image (BoxRefinement).
                var scenes = chunk.ToDictionary(g => g.Key, g => data.FullImage(g.First()));
                var results = new HostImage[items.Count];
                var refinedResults = new HostImage[items.Count];
                Parallel.For(0, items.Count, k =>
                {
                    if (data.Box(items[k]) is not { } b)
                    {
                        var (w, h) = data.FullSize(items[k]);
                        results[k] = refinedResults[k] = new HostImage(1, h, w);
                        return;
                    }
                    var scene = scenes[SceneNames.SceneOf(data.Name(items[k]))];
                    var spec = new BoxSpec(b.X, b.Y, b.Width, b.Height, data.Name(items[k]));
                    results[k] = BoxRefinement.GrabCutFromBox(scene, spec);
                    refinedResults[k] = BoxRefinement.Refine(scene, spec, predictions[k], refine);
                });
                for (int k = 0; k < items.Count; k++) { grabCuts[items[k]] = results[k]; refinedMasks[items[k]] = refinedResults[k]; }
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
                    Max(unionModel, BoxBound.PasteCropMask(data, i, byItem[i], truth.Height, truth.Width));
                    if (data.Box(i) is { } b) BoxBound.Fill(unionBox, b.X, b.Y, b.Width, b.Height);
                    if (withGrabCut) { Max(unionGrabCut, grabCuts[i]); Max(unionRefined, refinedMasks[i]); }
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

    private static void Max(HostImage into, HostImage other)
    {
        for (int p = 0; p < into.Data.Length; p++) into.Data[p] = Math.Max(into.Data[p], other.Data[p]);
    }
}
