using KernelGan.Gan.Data;
using KernelGan.Gan.Metrics;
using Xunit;

namespace KernelGan.Tests.Metrics;

/// <summary>The extractor resizes, batches and keeps order; what it hands the network is what the interface promises.</summary>
public class FeatureExtractorTests
{
    private static HostImage Constant(int size, float r, float g, float b)
    {
        var image = new HostImage(3, size, size);
        image.Plane(0).Fill(r);
        image.Plane(1).Fill(g);
        image.Plane(2).Fill(b);
        return image;
    }

    [Fact]
    public void ImagesAreResizedToTheInputSizeBatchedAndKeptInOrder()
    {
        var network = new ProjectionFeatureNetwork(inputSize: 16);
        var images = Enumerable.Range(0, 7).Select(i => Constant(32, i / 10f, 0.5f, 1 - i / 10f)).ToList();
        var seen = new List<int>();
        var result = new FeatureExtractor(network, batch: 3).Extract(images, 7, new ListProgress(seen));

        Assert.Equal([3, 3, 1], network.Batches.Select(b => b.Length / (3 * 16 * 16)));
        Assert.Equal([3, 6, 7], seen);
        // A constant image stays exactly constant through the resize, so the network saw it as it was.
        var third = network.Batches[0].AsSpan(2 * 3 * 256, 3 * 256);
        Assert.All(third[..256].ToArray(), v => Assert.Equal(0.2f, v, 6));
        Assert.All(third[512..].ToArray(), v => Assert.Equal(0.8f, v, 6));
        // Features row i is image i's: the same image alone gives the same row.
        Assert.Equal((7, 12), (result.Features.Rows, result.Features.Columns));
        for (int i = 0; i < 7; i++)
        {
            var alone = new ProjectionFeatureNetwork(inputSize: 16).Features(ImageOps.Resize(images[i], 16).Data, 1);
            Assert.Equal(alone, result.Features.Row(i).ToArray());
        }
        Assert.Equal(7, result.Statistics.Count);
    }

    [Fact]
    public void ItTakesOnlyCountImagesAndRefusesAShortSource()
    {
        var network = new ProjectionFeatureNetwork();
        var many = Enumerable.Range(0, 10).Select(_ => Constant(8, 0.1f, 0.2f, 0.3f));
        Assert.Equal(4, new FeatureExtractor(network, batch: 32).Extract(many, 4).Features.Rows);
        var few = Enumerable.Range(0, 3).Select(_ => Constant(8, 0.1f, 0.2f, 0.3f));
        var e = Assert.Throws<ArgumentException>(() => new FeatureExtractor(network).Extract(few, 5));
        Assert.Contains("ended after 3 of 5", e.Message);
    }

    private sealed class ListProgress(List<int> values) : IProgress<int>
    {
        public void Report(int value) => values.Add(value);
    }
}
