using KernelGan.Gan.Data;
using KernelGan.Segmentation;
using Xunit;

namespace KernelGan.Tests.Segmentation;

/// <summary>The library facade: masks at the image's size, file and buffer paths agree, one-line errors.</summary>
public class SegmenterApiTests(TinySegmenterRun fixture) : IClassFixture<TinySegmenterRun>
{
    /// <summary>Random interleaved RGB bytes.</summary>
    private static byte[] RandomRgb(int width, int height, int seed)
    {
        var rgb = new byte[width * height * 3];
        new Random(seed).NextBytes(rgb);
        return rgb;
    }

    /// <summary>Writes interleaved RGB bytes as a PNG (8-bit, so the bytes come back exactly).</summary>
    private string WritePng(byte[] rgb, int width, int height, string name)
    {
        var image = new HostImage(3, height, width);
        int plane = width * height;
        for (int i = 0; i < plane; i++)
            for (int c = 0; c < 3; c++) image.Data[c * plane + i] = rgb[3 * i + c] / 255f;
        string path = Path.Combine(fixture.Root, name);
        ImageIo.SavePng(path, image);
        return path;
    }

    private static void AssertOneLine(Exception e, params string[] fragments)
    {
        Assert.DoesNotContain('\n', e.Message);
        foreach (var f in fragments) Assert.Contains(f, e.Message);
    }

    [Theory]
    [InlineData(50, 37)]
    [InlineData(23, 61)]
    [InlineData(32, 32)]
    public void TheMaskIsAtTheImagesOwnSize(int width, int height)
    {
        using var segmenter = Segmenter.Load(fixture.Run);
        Assert.Equal(TinySegmenterRun.ModelSize, segmenter.ModelSize);
        var rgb = RandomRgb(width, height, seed: width);
        foreach (var mask in new[] { segmenter.Segment(rgb, width, height), segmenter.Segment(WritePng(rgb, width, height, $"size-{width}x{height}.png")) })
        {
            Assert.Equal((width, height), (mask.Width, mask.Height));
            Assert.Equal(width * height, mask.Probabilities.Length);
            Assert.Equal(width * height, mask.ToBinary().Length);
            foreach (float p in mask.Probabilities) Assert.InRange(p, 0f, 1f);
        }
    }

    [Fact]
    public void TheBufferAndTheFileGiveTheSameMask()
    {
        const int width = 41, height = 29;
        using var segmenter = Segmenter.Load(fixture.Run);
        var rgb = RandomRgb(width, height, seed: 3);
        var fromBuffer = segmenter.Segment(rgb, width, height);
        var fromFile = segmenter.Segment(WritePng(rgb, width, height, "same.png"));
        Assert.Equal(fromFile.Probabilities.ToArray(), fromBuffer.Probabilities.ToArray());
        // ...and the mask depends on the pixels: another image gives another mask, so the equality
        // above is not that of two constant answers.
        var other = segmenter.Segment(RandomRgb(width, height, seed: 4), width, height);
        Assert.NotEqual(fromBuffer.Probabilities.ToArray(), other.Probabilities.ToArray());
        // Several files at once give what each gives alone.
        var both = segmenter.Segment([Path.Combine(fixture.Root, "same.png"), Path.Combine(fixture.Root, "same.png")]);
        Assert.Equal(fromFile.Probabilities.ToArray(), both[1].Probabilities.ToArray());
    }

    [Fact]
    public void BinaryMaskAndPngFollowTheThreshold()
    {
        using var segmenter = Segmenter.Load(fixture.Run);
        var mask = segmenter.Segment(RandomRgb(20, 10, seed: 5), 20, 10);
        float threshold = mask.Probabilities.ToArray().Order().ElementAt(100); // splits the pixels 100 / 100
        var binary = mask.ToBinary(threshold);
        for (int y = 0; y < 10; y++)
            for (int x = 0; x < 20; x++) Assert.Equal(mask[x, y] >= threshold ? 1 : 0, binary[y * 20 + x]);
        Assert.Equal(binary.Count(b => b == 1) / 200.0, mask.ForegroundFraction(threshold));
        Assert.Equal(0.5, mask.ForegroundFraction(threshold));
        string png = Path.Combine(fixture.Root, "binary.png");
        mask.SavePng(png, threshold);
        var saved = ImageIo.LoadMask(png);
        Assert.Equal(binary.Select(b => (float)b), saved.Data);
    }

    [Fact]
    public void BadInputGivesOneLineExceptions()
    {
        string missing = Path.Combine(fixture.Root, "no-such-run");
        AssertOneLine(Assert.Throws<DirectoryNotFoundException>(() => Segmenter.Load(missing)), missing, "no such run");
        string empty = Directory.CreateDirectory(Path.Combine(fixture.Root, "empty-run")).FullName;
        AssertOneLine(Assert.Throws<FileNotFoundException>(() => Segmenter.Load(empty)), "segmenter.kgc", "no segmenter");
        AssertOneLine(Assert.Throws<KernelGan.Kernels.DeviceException>(() => Segmenter.Load(fixture.Run, "tpu")), "tpu");

        using var segmenter = Segmenter.Load(fixture.Run);
        AssertOneLine(Assert.Throws<ArgumentException>(() => segmenter.Segment(new byte[10 * 10 * 3 - 1], 10, 10)), "299 bytes", "10x10", "300");
        AssertOneLine(Assert.Throws<ArgumentException>(() => segmenter.Segment(new byte[12], 2, 3)), "12 bytes", "18");
        Assert.Throws<ArgumentOutOfRangeException>(() => segmenter.Segment(ReadOnlySpan<byte>.Empty, 0, 5));
        string noImage = Path.Combine(fixture.Root, "missing.png");
        AssertOneLine(Assert.Throws<DataException>(() => segmenter.Segment(noImage)), noImage);
        string notImage = Path.Combine(fixture.Root, "text.png");
        File.WriteAllText(notImage, "not a picture");
        AssertOneLine(Assert.Throws<DataException>(() => segmenter.Segment(notImage)), notImage);
        Assert.Throws<ArgumentOutOfRangeException>(() => segmenter.Segment(new byte[12], 2, 2)[2, 0]);

        segmenter.Dispose();
        Assert.Throws<ObjectDisposedException>(() => segmenter.Segment(new byte[12], 2, 2));
    }
}
