using KernelGan.Gan.Classical;
using KernelGan.Gan.Data;
using Xunit;

namespace KernelGan.Tests.Prior;

/// <summary>The GrabCut box baseline separates a clear object from its box, and respects the box.</summary>
public class GrabCutTests
{
    [Fact]
    public void FindsADiscInsideItsBox()
    {
        const int size = 48;
        var image = new HostImage(3, size, size);
        var truth = new HostImage(1, size, size);
        var r = new Random(3);
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                bool inside = (x - 22) * (x - 22) + (y - 25) * (y - 25) < 11 * 11;
                truth[0, y, x] = inside ? 1f : 0f;
                float noise = (float)(r.NextDouble() * 0.1);
                image[0, y, x] = inside ? 0.8f + noise : 0.2f + noise;
                image[1, y, x] = inside ? 0.2f + noise : 0.6f + noise;
                image[2, y, x] = 0.3f + noise;
            }
        // A loose box around the disc, as an annotator would draw it.
        var mask = GrabCut.Segment(image, 8, 11, 37, 40);
        double grabCut = MaskMetrics.Iou(mask, truth), box = MaskMetrics.Iou(TestBox(size, 8, 11, 37, 40), truth);
        Assert.True(grabCut > 0.9, $"GrabCut IoU {grabCut:F3}");
        Assert.True(grabCut > box + 0.2, $"GrabCut {grabCut:F3} vs box {box:F3}");
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
                if (x < 8 || x >= 37 || y < 11 || y >= 40) Assert.Equal(0f, mask[0, y, x]);
    }

    private static HostImage TestBox(int size, int x0, int y0, int x1, int y1)
    {
        var m = new HostImage(1, size, size);
        for (int y = y0; y < y1; y++) for (int x = x0; x < x1; x++) m[0, y, x] = 1f;
        return m;
    }
}
