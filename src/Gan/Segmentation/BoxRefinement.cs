using KernelGan.Gan.Classical;
using KernelGan.Gan.Data;

namespace KernelGan.Gan.Segmentation;

/// <summary>
/// Box-level masks at the scene's resolution: the segmenter's mask of a box crop (made at the
/// model's resolution) is refined on the same crop cut from the full scene at its own resolution
/// (<see cref="GrabCut.Refine"/>, the refinement ILSGAN runs use), with the box as a bound
/// (outside it is background), and pasted back. The GrabCut-from-the-box baseline runs on the same
/// crop, so the two are compared at one resolution.
/// </summary>
public static class BoxRefinement
{
    /// <summary>
    /// Largest crop side the cut runs at: scenes of ordinary photos have boxes of hundreds of
    /// pixels, where a graph cut per box would take seconds; the pasted mask is resized back up.
    /// </summary>
    public const int MaxSide = 128;

    /// <summary>
    /// The refinement's settings for a box: the cut starts from the whole box, as GrabCut from the
    /// box does, and the U-Net's probabilities weigh in every round. On devset/centric/box/test
    /// (a 32 px prior run's U-Nets) starting from the box gave 0.911-0.921 per full image where
    /// starting from the U-Net's mask gave 0.849-0.878 (docs/independence-prior.md).
    /// </summary>
    public static readonly GrabCut.RefineOptions DefaultOptions = new() { StartFromBox = true };

    /// <summary>
    /// The refined mask of one box, full scene size, zero outside the box. The cut is bounded by the
    /// box in the crop's pixels; a crop cut at <see cref="MaxSide"/> is resized back up, which can
    /// blur its edge a pixel past the box, so the pasted mask is bounded again at the scene's pixels.
    /// </summary>
    public static HostImage Refine(HostImage scene, BoxSpec box, HostImage cropProbability, GrabCut.RefineOptions? options = null)
    {
        var (crop, window, bound) = NativeCrop(scene, box);
        var probability = ImageOps.Resize(cropProbability, crop.Height, crop.Width);
        var refined = GrabCut.Refine(crop, probability, options ?? DefaultOptions, bound);
        var pasted = ImageOps.PasteCropMask(refined, window, scene.Height, scene.Width, binarize: false);
        BoxBound.ZeroOutside(pasted, box.X, box.Y, box.Width, box.Height);
        return pasted;
    }

    /// <summary>
    /// GrabCut from the box alone on the same crop, full scene size (the baseline beside
    /// <see cref="Refine"/>), bounded at the scene's pixels as <see cref="Refine"/> is: GrabCut
    /// itself never leaves the box, and the baseline must not either after the resize back up.
    /// </summary>
    public static HostImage GrabCutFromBox(HostImage scene, BoxSpec box)
    {
        var (crop, window, b) = NativeCrop(scene, box);
        var cut = GrabCut.Segment(crop, b.X0, b.Y0, b.X1, b.Y1);
        var pasted = ImageOps.PasteCropMask(cut, window, scene.Height, scene.Width, binarize: false);
        BoxBound.ZeroOutside(pasted, box.X, box.Y, box.Width, box.Height);
        return pasted;
    }

    /// <summary>The 1.5x box crop at the scene's resolution (at most <see cref="MaxSide"/>), and the box in its pixels.</summary>
    private static (HostImage Crop, CropWindow Window, (int X0, int Y0, int X1, int Y1) Box) NativeCrop(HostImage scene, BoxSpec box)
    {
        var window = CropWindow.AroundBox(box.X, box.Y, box.Width, box.Height);
        var crop = ImageOps.Crop(scene, window, OutsideFill.EdgeReplicate);
        int side = Math.Min(window.Side, MaxSide);
        if (side != window.Side) crop = ImageOps.Resize(crop, side, side);
        return (crop, window, window.BoxIn(box.X, box.Y, box.Width, box.Height, side));
    }
}
