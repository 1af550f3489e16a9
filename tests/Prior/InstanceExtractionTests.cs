using KernelGan.Gan.Data;
using KernelGan.Gan.Hoc;
using Xunit;

namespace KernelGan.Tests.Prior;

/// <summary>From foreground/boundary maps to instances, and the instance-matching score.</summary>
public class InstanceExtractionTests
{
    /// <summary>Two 6x6 squares touching along a column, and a 1-pixel speck, on a 16x24 canvas.</summary>
    private static int[] TouchingSquares(out int width, out int height)
    {
        width = 24; height = 16;
        var ids = new int[width * height];
        for (int y = 4; y < 10; y++)
        {
            for (int x = 3; x < 9; x++) ids[y * width + x] = 1;
            for (int x = 9; x < 15; x++) ids[y * width + x] = 2;
        }
        ids[14 * width + 20] = 3;
        return ids;
    }

    private static InstanceMaps MapsFrom(int[] ids, int width, int height)
    {
        var target = InstanceTargets.FromInstanceMap(ids, height, width);
        int plane = width * height;
        return new InstanceMaps(new HostImage(1, height, width, target[..plane]), new HostImage(1, height, width, target[plane..]));
    }

    [Fact]
    public void ManySmallFragmentsDoNotPassAsTheTypicalInstanceSize()
    {
        // Three 10x10 instances and five isolated 3x3 fragments: more fragments than instances,
        // so a plain median over pieces would call 9 px typical and keep every fragment.
        int w = 64, h = 32;
        var ids = new int[w * h];
        for (int k = 0; k < 3; k++)
            for (int y = 2; y < 12; y++)
                for (int x = 2 + 20 * k; x < 12 + 20 * k; x++) ids[y * w + x] = k + 1;
        for (int k = 0; k < 5; k++)
            for (int y = 20; y < 23; y++)
                for (int x = 4 + 12 * k; x < 7 + 12 * k; x++) ids[y * w + x] = 4 + k;
        var labels = InstanceExtractor.Extract(MapsFrom(ids, w, h));
        Assert.Equal(3, labels.Count);
    }

    [Fact]
    public void BoundariesSplitTouchingInstancesAndSpecksAreDropped()
    {
        var truth = TouchingSquares(out int w, out int h);
        var labels = InstanceExtractor.Extract(MapsFrom(truth, w, h));
        Assert.Equal(2, labels.Count);
        var score = InstanceMatching.Match(truth.Select(id => id == 3 ? 0 : id).ToArray(), 2, labels.Labels, labels.Count);
        Assert.Equal(2, score.Matched);
        Assert.Equal(1.0, score.MeanMatchedIou, 6);
    }

    [Fact]
    public void ASmallPieceCutOffAnInstanceJoinsItAndAnIsolatedOneIsDropped()
    {
        // Three 6x6 instances; a 3x3 "eye" on the first one's right edge, cut off by a predicted boundary
        // but with a seed of its own (its centre pixel); a 2x2 stray speck far from everything.
        int w = 40, h = 12;
        var ids = new int[w * h];
        void Square(int x0, int y0, int side, int id) { for (int y = y0; y < y0 + side; y++) for (int x = x0; x < x0 + side; x++) ids[y * w + x] = id; }
        Square(2, 3, 6, 1); Square(14, 3, 6, 2); Square(26, 3, 6, 3);
        Square(8, 4, 3, 4);  // the eye, touching instance 1
        Square(36, 0, 2, 5); // a stray speck
        var labels = InstanceExtractor.Extract(MapsFrom(ids, w, h));
        Assert.Equal(3, labels.Count);
        var truth = ids.Select(id => id == 4 ? 1 : id == 5 ? 0 : id).ToArray();
        var score = InstanceMatching.Match(truth, 3, labels.Labels, labels.Count);
        Assert.Equal(3, score.Matched);
        Assert.Equal(1.0, score.MeanMatchedIou, 6);
    }

    [Fact]
    public void WithoutBoundariesTouchingInstancesMerge()
    {
        // The same foreground with an empty boundary map: one blob, so the boundary channel is what separates.
        var truth = TouchingSquares(out int w, out int h);
        var maps = MapsFrom(truth, w, h);
        var labels = InstanceExtractor.Extract(maps with { Boundary = new HostImage(1, h, w) });
        Assert.Equal(1, labels.Count);
        // The merged blob has IoU exactly 0.5 with each square, but one prediction matches one truth.
        var score = InstanceMatching.Match(truth, 3, labels.Labels, labels.Count);
        Assert.Equal(1, score.Matched);
        Assert.Equal(0.5, score.MeanMatchedIou, 6);
    }

    [Fact]
    public void UpscaledInstancesKeepTheirShapeAtFullSize()
    {
        var truth = TouchingSquares(out int w, out int h);
        var maps = MapsFrom(truth, w, h);
        var labels = InstanceExtractor.Extract(maps);
        var full = InstanceExtractor.Upscale(labels, maps.Foreground, 2 * w, 2 * h);
        Assert.Equal(2, full.Count);
        var described = full.Describe();
        Assert.All(described, d => Assert.InRange(d.Area, 100, 160)); // 12x12 = 144 at twice the size, give or take the edge
        Assert.Equal(described[0].Y, described[1].Y);
    }

    [Fact]
    public void MatchingCountsOnlyOverlapsOfAtLeastHalf()
    {
        // truth: two 4-pixel instances; prediction: one covering the first exactly, one covering a third of the second.
        int[] truth = [1, 1, 1, 1, 0, 2, 2, 2, 2, 0];
        int[] pred = [1, 1, 1, 1, 0, 0, 0, 2, 2, 2];
        var s = InstanceMatching.Match(truth, 2, pred, 2);
        Assert.Equal(1, s.Matched);
        Assert.Equal(0.5, s.MatchedFraction, 6);
        Assert.Equal(1.0, s.MeanMatchedIou, 6);
        Assert.Equal(0.5, s.Precision, 6);
    }
}
