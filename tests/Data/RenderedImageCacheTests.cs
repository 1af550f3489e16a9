using KernelGan.Gan.Data;
using Xunit;

namespace KernelGan.Tests.Data;

public class RenderedImageCacheTests
{
    private static HostImage Render(int index, ref int calls)
    {
        calls++;
        return new HostImage(3, 4, 4, Enumerable.Range(0, 48).Select(i => index * 100f + i).ToArray());
    }

    [Fact]
    public void AnItemIsRenderedOnceAndLaterCallsGetACopyOfTheSamePixels()
    {
        var cache = new RenderedImageCache(5, 3, 4, 4);
        int calls = 0;
        var first = cache.GetOrRender(2, i => Render(i, ref calls));
        var again = cache.GetOrRender(2, i => Render(i, ref calls));
        Assert.True(cache.Enabled);
        Assert.Equal(1, calls);
        Assert.Equal(first.Data, again.Data);
        again.Data[0] = -1f; // a caller scribbling on its image must not change the kept one
        Assert.Equal(200f, cache.GetOrRender(2, i => Render(i, ref calls)).Data[0]);
        Assert.Equal(300f, cache.GetOrRender(3, i => Render(i, ref calls)).Data[0]);
        Assert.Equal(2, calls);
    }

    [Fact]
    public void ASetOverTheBudgetIsRenderedEveryTime()
    {
        var cache = new RenderedImageCache(5, 3, 4, 4, budgetBytes: 5 * 48 * sizeof(float) - 1);
        int calls = 0;
        cache.GetOrRender(1, i => Render(i, ref calls));
        cache.GetOrRender(1, i => Render(i, ref calls));
        Assert.False(cache.Enabled);
        Assert.Equal(2, calls);
    }

    [Fact]
    public void AnOutOfRangeIndexReachesTheRenderer()
    {
        var cache = new RenderedImageCache(5, 3, 4, 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => cache.GetOrRender(5, _ => throw new ArgumentOutOfRangeException("index")));
    }

    [Fact]
    public void SyntheticImagesReadTwiceFromManyThreadsEqualAFreshRendering()
    {
        var kept = SyntheticDataset.ObjectCentric(16, DataSplit.Train, seed: 4);
        var fresh = SyntheticDataset.ObjectCentric(16, DataSplit.Train, seed: 4);
        var firstPass = new HostImage[64];
        Parallel.For(0, 64, i => firstPass[i] = kept.Image(i));
        for (int i = 0; i < 64; i++)
        {
            var expected = fresh.Image(i).Data;
            Assert.Equal(expected, firstPass[i].Data);
            Assert.Equal(expected, kept.Image(i).Data);
        }
    }
}
