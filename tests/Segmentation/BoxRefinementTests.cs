using KernelGan.Gan.Data;
using KernelGan.Gan.Segmentation;
using Xunit;

namespace KernelGan.Tests.Segmentation;

/// <summary>
/// Box-level refinement at the scene's resolution (<see cref="BoxRefinement"/>): a coarse mask made
/// at the model's 32 px for a box's crop comes back on the object's edges in the full scene, and
/// nothing outside the box is foreground.
/// </summary>
public class BoxRefinementTests
{
    private const int Width = 140, Height = 110, Cx = 80, Cy = 50;

    /// <summary>A star-ish object (thin arms) on a striped, noisy background, off-centre in the scene; its truth.</summary>
    private static (HostImage Scene, HostImage Truth) Scene()
    {
        var image = new HostImage(3, Height, Width);
        var truth = new HostImage(1, Height, Width);
        var r = new Random(3);
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
            {
                double dx = x - Cx, dy = y - Cy, radius = Math.Sqrt(dx * dx + dy * dy), angle = Math.Atan2(dy, dx);
                bool inside = radius < 12 + 12 * Math.Pow(Math.Abs(Math.Cos(2.5 * angle)), 6);
                truth[0, y, x] = inside ? 1f : 0f;
                float n = (float)(r.NextDouble() * 0.15);
                bool stripe = (x / 7 + y / 7) % 2 == 0;
                image[0, y, x] = inside ? 0.85f + n : (stripe ? 0.2f : 0.35f) + n;
                image[1, y, x] = inside ? 0.75f + n : (stripe ? 0.45f : 0.3f) + n;
                image[2, y, x] = inside ? 0.1f + n : (stripe ? 0.3f : 0.5f) + n;
            }
        return (image, truth);
    }

    private static BoxSpec TightBox(HostImage truth)
    {
        int x0 = int.MaxValue, y0 = int.MaxValue, x1 = -1, y1 = -1;
        for (int y = 0; y < truth.Height; y++)
            for (int x = 0; x < truth.Width; x++)
                if (truth[0, y, x] > 0.5f) { x0 = Math.Min(x0, x); y0 = Math.Min(y0, y); x1 = Math.Max(x1, x); y1 = Math.Max(y1, y); }
        return new BoxSpec(x0, y0, x1 - x0 + 1, y1 - y0 + 1, "test");
    }

    /// <summary>What a 32 px segmenter gives for the box's crop: a soft disc that misses the arms, off by a pixel.</summary>
    private static HostImage CoarseCropMask()
    {
        var p = new HostImage(1, 32, 32);
        for (int y = 0; y < 32; y++)
            for (int x = 0; x < 32; x++)
            {
                double d = Math.Sqrt((x - 16.5) * (x - 16.5) + (y - 15.5) * (y - 15.5));
                p[0, y, x] = (float)(1 / (1 + Math.Exp((d - 6) / 1.5)));
            }
        return p;
    }

    [Fact]
    public void ACoarseCropMaskIsRefinedOntoTheObjectInTheScene()
    {
        var (scene, truth) = Scene();
        var box = TightBox(truth);
        var window = CropWindow.AroundBox(box.X, box.Y, box.Width, box.Height);
        var coarse = ImageOps.PasteCropMask(CoarseCropMask(), window, Height, Width);
        var refined = BoxRefinement.Refine(scene, box, CoarseCropMask());

        Assert.Equal((Height, Width), (refined.Height, refined.Width));
        double before = MaskMetrics.Iou(coarse, truth), after = MaskMetrics.Iou(refined, truth);
        Assert.True(after > 0.9, $"refined IoU {after:F3} (coarse {before:F3})");
        Assert.True(after > before + 0.1, $"refined {after:F3} vs coarse {before:F3}");
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
                if (x < box.X - 1 || x > box.X + box.Width || y < box.Y - 1 || y > box.Y + box.Height)
                    Assert.True(refined[0, y, x] < 0.5f, $"foreground outside the box at ({x}, {y})");
    }

    /// <summary>
    /// A box whose 1.5x crop (165 px) is larger than MaxSide, filled by a yellow object that touches
    /// its edges, on blue noise: the cut runs at 128 px and its mask is resized back up, which can
    /// blur it a pixel past the box.
    /// </summary>
    private static (HostImage Scene, BoxSpec Box) SceneWithABoxLargerThanMaxSide()
    {
        const int side = 260;
        var scene = new HostImage(3, side, side);
        var box = new BoxSpec(60.4, 70.6, 110, 95.3, "test");
        var r = new Random(4);
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
            {
                bool inside = x >= box.X && x < box.X + box.Width && y >= box.Y && y < box.Y + box.Height;
                float n = (float)(r.NextDouble() * 0.2);
                (float red, float green, float blue) = inside ? (0.85f, 0.75f, 0.1f) : (0.1f, 0.3f, 0.6f);
                scene[0, y, x] = red + n; scene[1, y, x] = green + n; scene[2, y, x] = blue + n;
            }
        Assert.True(CropWindow.AroundBox(box.X, box.Y, box.Width, box.Height).Side > BoxRefinement.MaxSide);
        return (scene, box);
    }

    /// <summary>Fails where the mask has anything outside the box; and where it has no foreground at all, which would pass vacuously.</summary>
    private static void AssertZeroOutsideTheBox(HostImage mask, BoxSpec box)
    {
        var before = mask.Data.ToArray();
        var bounded = new HostImage(1, mask.Height, mask.Width);
        before.CopyTo(bounded.Data, 0);
        BoxBound.ZeroOutside(bounded, box.X, box.Y, box.Width, box.Height);
        Assert.Equal(bounded.Data, before);
        Assert.Contains(before, v => v >= 0.5f);
    }

    [Fact]
    public void ARefinedMaskOfACropCutDownToMaxSideIsZeroOutsideTheBox()
    {
        var (scene, box) = SceneWithABoxLargerThanMaxSide();
        var sure = new HostImage(1, 32, 32);
        Array.Fill(sure.Data, 0.95f);
        AssertZeroOutsideTheBox(BoxRefinement.Refine(scene, box, sure), box);
    }

    [Fact]
    public void GrabCutFromABoxLargerThanMaxSideIsZeroOutsideTheBox()
    {
        var (scene, box) = SceneWithABoxLargerThanMaxSide();
        AssertZeroOutsideTheBox(BoxRefinement.GrabCutFromBox(scene, box), box);
    }

    [Fact]
    public void GrabCutFromTheBoxLandsWhereTheBoxIs()
    {
        var (scene, truth) = Scene();
        var cut = BoxRefinement.GrabCutFromBox(scene, TightBox(truth));
        Assert.Equal((Height, Width), (cut.Height, cut.Width));
        double iou = MaskMetrics.Iou(cut, truth);
        Assert.True(iou > 0.85, $"GrabCut from the box: IoU {iou:F3}");
    }

    [Fact]
    public void StartingFromTheBoxRecoversAPartTheUNetHalfMissed()
    {
        // A two-tone object (left half yellow, right half red) on a blue-green background; the
        // U-Net is sure of the yellow half and lukewarm (0.3) on the red one.
        const int s = 40;
        var image = new HostImage(3, s, s);
        var truth = new HostImage(1, s, s);
        var unet = new HostImage(1, s, s);
        var r = new Random(9);
        for (int y = 0; y < s; y++)
            for (int x = 0; x < s; x++)
            {
                bool inside = x >= 10 && x < 30 && y >= 10 && y < 30, left = x < 20;
                float n = (float)(r.NextDouble() * 0.1);
                truth[0, y, x] = inside ? 1f : 0f;
                unet[0, y, x] = inside ? (left ? 0.95f : 0.3f) : 0.05f;
                (float red, float green, float blue) = inside ? (left ? (0.9f, 0.85f, 0.1f) : (0.85f, 0.1f, 0.1f)) : (0.1f, 0.5f, 0.6f);
                image[0, y, x] = red + n; image[1, y, x] = green + n; image[2, y, x] = blue + n;
            }
        var box = (8, 8, 32, 32);
        var fromMask = KernelGan.Gan.Classical.GrabCut.Refine(image, unet, new() { StartFromBox = false }, box);
        var fromBox = KernelGan.Gan.Classical.GrabCut.Refine(image, unet, new() { StartFromBox = true }, box);
        double maskStart = MaskMetrics.Iou(fromMask, truth), boxStart = MaskMetrics.Iou(fromBox, truth);
        Assert.True(boxStart > 0.95, $"from the box: IoU {boxStart:F3}");
        Assert.True(boxStart > maskStart + 0.2, $"from the box {boxStart:F3} vs from the U-Net's mask {maskStart:F3}");
    }
}
