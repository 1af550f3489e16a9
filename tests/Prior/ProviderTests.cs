using Xunit;
using KernelGan.Gan.Prior;

namespace KernelGan.Tests.Prior;

/// <summary>The limits the providers are built with hold for any weights.</summary>
public class ProviderTests
{
    [Fact]
    public void InstanceMasksVanishOutsideTheirFrameDiscAndStartSmall()
    {
        var provider = new InstanceProvider(Device.Cpu, new Rng(1), 16, 8, 8, initialMaskLogit: -2f);
        using var scope = new TensorScope();
        using var noGrad = Tensor.NoGrad();
        var mask = provider.Forward(new Rng(2).Normal([4, 8])).Mask.ToArray();
        for (int i = 0; i < 4; i++)
            for (int y = 0; y < 16; y++)
                for (int x = 0; x < 16; x++)
                {
                    float u = (2f * x + 1f) / 16 - 1f, v = (2f * y + 1f) / 16 - 1f;
                    float m = mask[(i * 16 + y) * 16 + x];
                    if (u * u + v * v >= 1f) Assert.Equal(0f, m);
                    else Assert.InRange(m, 0f, 0.2f); // sigmoid(-2) = 0.12 before any training, times the window
                }
    }

    [Fact]
    public void BackgroundDetailStaysWithinItsCapAroundTheSmoothField()
    {
        var smooth = new BackgroundProvider(Device.Cpu, new Rng(3), 8, 16, grid: 2, detailAmplitude: 0f, detailWidth: 8);
        var detailed = new BackgroundProvider(Device.Cpu, new Rng(3), 8, 16, grid: 2, detailAmplitude: 0.2f, detailWidth: 8);
        using var scope = new TensorScope();
        using var noGrad = Tensor.NoGrad();
        var z = new Rng(4).Normal([3, 8]);
        // Same Rng stream for the shared MLP, so the smooth parts agree and the difference is the detail.
        var a = smooth.Forward(z).ToArray();
        var b = detailed.Forward(z).ToArray();
        Assert.Equal(a.Length, b.Length);
        Assert.Contains(a.Zip(b), p => Math.Abs(p.First - p.Second) > 1e-4f);
        Assert.All(a.Zip(b), p => Assert.InRange(p.Second - p.First, -0.2f - 1e-5f, 0.2f + 1e-5f));
        // A 2x2 grid upsampled with aligned corners is bilinear: each row of the smooth field is linear in x.
        for (int c = 0; c < 3; c++)
        {
            int row = (c * 16 + 5) * 16;
            float step = a[row + 1] - a[row];
            for (int x = 1; x < 16; x++) Assert.Equal(step, a[row + x] - a[row + x - 1], 4);
        }
    }
}
