using KernelGan.Gan.Classical;
using KernelGan.Gan.Data;

namespace KernelGan.Gan.Segmentation;

/// <summary>
/// A self-training round on the real images: the U-Net trained on generated pairs (the paper's
/// protocol) predicts each real training image's mask, <see cref="MaskRefiner"/> moves its edges
/// onto the image's own, and a second U-Net learns from those pseudo-labels at the data's
/// resolution. Uses no ground truth: the labels come from the generator's segmenter and the images.
/// The second U-Net sees real photos rather than generated ones, and averages the cut's per-image
/// mistakes over the whole training set.
/// </summary>
public static class SelfTraining
{
    /// <summary>
    /// Pseudo-labels for <paramref name="real"/> (at its own size): <paramref name="predictor"/>'s
    /// probabilities refined on each image. Reports progress per chunk on <paramref name="log"/>.
    /// </summary>
    public static LabelledImages PseudoLabels(MaskPredictor predictor, IImageDataset real, GrabCut.RefineOptions options, TextWriter log)
    {
        var images = new List<HostImage>(real.Count);
        var labels = new List<HostImage>(real.Count);
        var names = new List<string>(real.Count);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        const int Chunk = 256;
        for (int start = 0; start < real.Count; start += Chunk)
        {
            var chunk = Enumerable.Range(start, Math.Min(Chunk, real.Count - start)).Select(real.Image).ToList();
            images.AddRange(chunk);
            // Box crops: what the box says (outside it is background) bounds each label.
            var bounds = real is IFullImageDataset boxed
                ? Enumerable.Range(start, chunk.Count).Select(i => BoxInCrop(boxed, i)).ToList()
                : null;
            labels.AddRange(MaskRefiner.Refine(chunk, predictor.Predict(chunk), options, bounds));
            names.AddRange(Enumerable.Range(start, chunk.Count).Select(real.Name));
            log.WriteLine(FormattableString.Invariant($"self-training: labelled {images.Count}/{real.Count} real images ({clock.Elapsed.TotalSeconds:F0} s)"));
        }
        return new LabelledImages(images, labels, names);
    }

    /// <summary>Item i's box in its crop's pixels (the crop is Size x Size), or null for an item without a box.</summary>
    public static (int X0, int Y0, int X1, int Y1)? BoxInCrop(IFullImageDataset data, int i) =>
        data.Box(i) is { } box ? data.Window(i).BoxIn(box.X, box.Y, box.Width, box.Height, data.Size) : null;
}
