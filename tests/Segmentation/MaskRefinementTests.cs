using KernelGan.Gan.Classical;
using KernelGan.Gan.Data;
using KernelGan.Gan.Segmentation;
using Xunit;

namespace KernelGan.Tests.Segmentation;

/// <summary>
/// GrabCut seeded by a segmenter's soft mask (<see cref="GrabCut.Refine"/>, <see cref="MaskRefiner"/>):
/// a coarse, misplaced blob over a clear object comes back on the object's edges; where the
/// colours say nothing, the prior keeps the segmenter's answer.
/// </summary>
public class MaskRefinementTests
{
    private const int Size = 48;

    /// <summary>A star-ish object (thin arms a blob misses) on a noisy two-tone background, and its truth.</summary>
    private static (HostImage Image, HostImage Truth) Scene(int seed)
    {
        var image = new HostImage(3, Size, Size);
        var truth = new HostImage(1, Size, Size);
        var r = new Random(seed);
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
            {
                double dx = x - 24, dy = y - 24, radius = Math.Sqrt(dx * dx + dy * dy), angle = Math.Atan2(dy, dx);
                bool inside = radius < 8 + 8 * Math.Pow(Math.Abs(Math.Cos(2.5 * angle)), 6);
                truth[0, y, x] = inside ? 1f : 0f;
                float n = (float)(r.NextDouble() * 0.15);
                bool stripe = (x / 6 + y / 6) % 2 == 0; // a background with two colours of its own
                image[0, y, x] = inside ? 0.85f + n : (stripe ? 0.2f : 0.35f) + n;
                image[1, y, x] = inside ? 0.75f + n : (stripe ? 0.45f : 0.3f) + n;
                image[2, y, x] = inside ? 0.1f + n : (stripe ? 0.3f : 0.5f) + n;
            }
        return (image, truth);
    }

    /// <summary>What a low-resolution segmenter gives: a soft disc, off-centre by 3 px, that ignores the arms.</summary>
    private static HostImage CoarseBlob()
    {
        var p = new HostImage(1, Size, Size);
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
            {
                double d = Math.Sqrt((x - 27) * (x - 27) + (y - 22) * (y - 22));
                p[0, y, x] = (float)(1 / (1 + Math.Exp((d - 11) / 2.0)));
            }
        return p;
    }

    [Fact]
    public void RefinementMovesACoarseBlobOntoTheObject()
    {
        var (image, truth) = Scene(1);
        var blob = CoarseBlob();
        var refined = GrabCut.Refine(image, blob);
        double before = MaskMetrics.Iou(blob, truth), after = MaskMetrics.Iou(refined, truth);
        Assert.True(after > 0.9, $"refined IoU {after:F3} (blob {before:F3})");
        Assert.True(after > before + 0.15, $"refined {after:F3} vs blob {before:F3}");
    }

    [Fact]
    public void WhereColoursCannotTellThePriorDecides()
    {
        // A flat grey image: the colour models are the same on both sides and every edge costs the
        // same, so the cut would shrink the mask to nothing; refinement must keep the segmenter's mask.
        var image = new HostImage(3, Size, Size);
        Array.Fill(image.Data, 0.5f);
        var blob = CoarseBlob();
        var refined = GrabCut.Refine(image, blob);
        Assert.True(MaskMetrics.Iou(refined, blob) > 0.9, $"IoU with the prior {MaskMetrics.Iou(refined, blob):F3}");
    }

    [Fact]
    public void ABoxBoundsTheRefinedMask()
    {
        // A tight box around the object, and a blob shifted right so that it spills over the box's
        // right edge: nothing outside the box survives, and inside it the object is found.
        var (image, truth) = Scene(5);
        var blob = new HostImage(1, Size, Size);
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
                blob[0, y, x] = (float)(1 / (1 + Math.Exp((Math.Sqrt((x - 31) * (x - 31) + (y - 24) * (y - 24)) - 12) / 2.0)));
        var refined = GrabCut.Refine(image, blob, box: (7, 7, 41, 41));
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
                if (x < 7 || x >= 41 || y < 7 || y >= 41) Assert.Equal(0f, refined[0, y, x]);
        double before = MaskMetrics.Iou(blob, truth), after = MaskMetrics.Iou(refined, truth);
        Assert.True(after > 0.85 && after > before + 0.15, $"refined IoU {after:F3} (blob {before:F3})");
    }

    [Fact]
    public void AnEmptyPredictionStaysEmpty()
    {
        var (image, _) = Scene(2);
        var refined = GrabCut.Refine(image, new HostImage(1, Size, Size));
        Assert.All(refined.Data, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void RefinerKeepsOrderAndChecksSizes()
    {
        var (a, ta) = Scene(3);
        var (b, tb) = Scene(4);
        var refined = MaskRefiner.Refine([a, b], [CoarseBlob(), new HostImage(1, Size, Size)]);
        Assert.True(MaskMetrics.Iou(refined[0], ta) > 0.9);
        Assert.Equal(0, refined[1].Data.Sum());
        Assert.Throws<ArgumentException>(() => GrabCut.Refine(a, new HostImage(1, Size / 2, Size / 2)));
        Assert.Throws<ArgumentException>(() => MaskRefiner.Refine([a, b], [CoarseBlob()]));
    }
}
