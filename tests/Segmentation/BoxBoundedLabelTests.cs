using KernelGan.Gan.Data;
using KernelGan.Gan.Segmentation;
using Xunit;

namespace KernelGan.Tests.Segmentation;

/// <summary>Self-training on box crops: each label is bounded by its box, mapped into the crop's pixels.</summary>
public class BoxBoundedLabelTests
{
    [Fact]
    public void ABoxBoundsTheRefinedLabelAndNothingElseDoes()
    {
        const int s = 24;
        var r = new Random(5);
        var image = new HostImage(3, s, s);
        for (int p = 0; p < image.Data.Length; p++) image.Data[p] = (float)r.NextDouble();
        var everywhere = new HostImage(1, s, s);
        Array.Fill(everywhere.Data, 0.99f); // a segmenter that calls every pixel foreground
        var box = (X0: 6, Y0: 8, X1: 18, Y1: 16);

        var bounded = MaskRefiner.Refine([image], [everywhere], bounds: [box])[0];
        var free = MaskRefiner.Refine([image], [everywhere])[0];

        for (int y = 0; y < s; y++)
            for (int x = 0; x < s; x++)
                if (x < box.X0 || x >= box.X1 || y < box.Y0 || y >= box.Y1) Assert.Equal(0f, bounded[0, y, x]);
        Assert.Contains(free.Data.Select((v, p) => (v, x: p % s, y: p / s)),
            q => q.v > 0.5f && (q.x < box.X0 || q.x >= box.X1 || q.y < box.Y0 || q.y >= box.Y1));
    }

    [Fact]
    public void TheBoxLandsWhereItIsInTheCrop()
    {
        var data = SyntheticDataset.BoxScenes(32, DataSplit.Test, seed: 1, sceneSize: 64);
        for (int i = 0; i < 5; i++)
        {
            var b = SelfTraining.BoxInCrop(data, i)!.Value;
            var box = data.Box(i);
            // The crop is 1.5x the box's longer side, centred on it: that side spans the middle two thirds.
            int longer = box.Width >= box.Height ? b.X1 - b.X0 : b.Y1 - b.Y0;
            Assert.InRange(longer, 32 * 2 / 3 - 1, 32 * 2 / 3 + 2);
            Assert.InRange((b.X0 + b.X1) / 2.0, 14.5, 17.5);
            Assert.InRange((b.Y0 + b.Y1) / 2.0, 14.5, 17.5);
        }
    }
}
