using KernelGan.Gan.Classical;
using KernelGan.Gan.Data;

namespace KernelGan.Gan.Segmentation;

/// <summary>
/// Edge-aware refinement of predicted masks on the real images they came from: GrabCut seeded by
/// the segmenter's probabilities (<see cref="GrabCut.Refine"/>). The U-Net learned from the
/// generator's low-resolution masks; the cut moves each mask's edges onto the real image's colour
/// edges at the image's own resolution. The paper's protocol is the U-Net alone; a run reports
/// both, never the refined score in the U-Net's place.
/// </summary>
public static class MaskRefiner
{
    /// <summary>Refined 0/1 masks, one per image (RGB in [0, 1]) and its foreground probability (same size).</summary>
    /// <param name="bounds">Per image, where a box is known (its pixels), or null: outside it is background for certain.</param>
    public static HostImage[] Refine(IReadOnlyList<HostImage> images, IReadOnlyList<HostImage> probabilities, GrabCut.RefineOptions? options = null,
                                     IReadOnlyList<(int X0, int Y0, int X1, int Y1)?>? bounds = null)
    {
        if (images.Count != probabilities.Count)
            throw new ArgumentException($"{images.Count} images but {probabilities.Count} masks");
        var result = new HostImage[images.Count];
        // Each image's cut is independent and single-threaded; spread them over the cores.
        Parallel.For(0, images.Count, i => result[i] = GrabCut.Refine(images[i], probabilities[i], options, bounds?[i]));
        return result;
    }
}
