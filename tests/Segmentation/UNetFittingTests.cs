using KernelGan.Gan.Data;
using KernelGan.Gan.Segmentation;
using Xunit;
using KernelGan.Nn.Optim;

namespace KernelGan.Tests.Segmentation;

/// <summary>The segmenters' supervised step learns: on bright discs over dark noise, loss falls and IoU rises.</summary>
public class UNetFittingTests
{
    private const int Size = 16, Batch = 8;

    /// <summary>A batch of discs (radius 3-5, anywhere) on dark noisy backgrounds, with their masks.</summary>
    private static (float[] Images, float[] Masks) Discs(Random random)
    {
        int plane = Size * Size;
        var images = new float[Batch * 3 * plane];
        var masks = new float[Batch * plane];
        for (int n = 0; n < Batch; n++)
        {
            double cx = random.Next(4, 12), cy = random.Next(4, 12), r = random.Next(3, 6);
            for (int y = 0; y < Size; y++)
                for (int x = 0; x < Size; x++)
                {
                    bool inside = (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r;
                    masks[n * plane + y * Size + x] = inside ? 1 : 0;
                    for (int c = 0; c < 3; c++)
                        images[(n * 3 + c) * plane + y * Size + x] = (inside ? 0.6f : -0.6f) + 0.3f * (float)(random.NextDouble() - 0.5);
                }
        }
        return (images, masks);
    }

    private static double MeanIou(UNet unet, float[] images, float[] masks)
    {
        var probabilities = new MaskPredictor(unet, Size, Device.Cpu).PredictBatch(images, Batch);
        int plane = Size * Size;
        return Enumerable.Range(0, Batch).Average(n => MaskMetrics.Iou(probabilities.AsSpan(n * plane, plane), masks.AsSpan(n * plane, plane)));
    }

    [Fact]
    public void AHundredAndFiftyStepsLearnToSegmentDiscs()
    {
        var random = new Random(4);
        var unet = new UNet(Device.Cpu, new Rng(3), width: 8, depth: 2);
        var adam = new Adam(unet.Parameters(), 2e-3f, 0.9f, 0.999f);
        var (testImages, testMasks) = Discs(new Random(99));
        double before = MeanIou(unet, testImages, testMasks);
        var losses = new List<float>();
        for (int step = 0; step < 150; step++)
        {
            var (images, masks) = Discs(random);
            losses.Add(UNetFitting.Step(unet, adam, images, masks, Batch, 1, Size, Device.Cpu));
        }
        double after = MeanIou(unet, testImages, testMasks);
        Assert.True(losses.TakeLast(10).Average() < 0.5 * losses.Take(10).Average(), $"loss {losses.Take(10).Average():F3} -> {losses.TakeLast(10).Average():F3}");
        Assert.True(after > 0.8 && after > before + 0.2, $"IoU {before:F3} -> {after:F3}");
    }

    [Fact]
    public void RestoreBringsBackTheSnapshotWeights()
    {
        var unet = new UNet(Device.Cpu, new Rng(3), width: 8, depth: 2);
        var snapshot = UNetFitting.Snapshot(unet);
        var adam = new Adam(unet.Parameters(), 1e-2f, 0.9f, 0.999f);
        var (images, masks) = Discs(new Random(1));
        UNetFitting.Step(unet, adam, images, masks, Batch, 1, Size, Device.Cpu);
        Assert.NotEqual(snapshot, UNetFitting.Snapshot(unet));
        UNetFitting.Restore(unet, snapshot);
        Assert.Equal(snapshot, UNetFitting.Snapshot(unet));
    }
}
