using KernelGan.Gan.Data;
using KernelGan.Gan.Hoc;
using Xunit;

namespace KernelGan.Tests.Prior;

/// <summary>hoc --truth: a folder of per-instance masks becomes the instance map the run is scored against.</summary>
public sealed class HocTruthTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kg-hoc-truth-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Square(string folder, string name, int x0, int y0, int side, int w = 20, int h = 12)
    {
        Directory.CreateDirectory(folder);
        var mask = new HostImage(1, h, w);
        for (int y = y0; y < y0 + side; y++) for (int x = x0; x < x0 + side; x++) mask[0, y, x] = 1f;
        string path = Path.Combine(folder, name);
        ImageIo.SavePng(path, mask);
        return path;
    }

    [Fact]
    public void EachMaskIsOneInstanceInNameOrderAndScoresAPerfectPrediction()
    {
        string truth = Path.Combine(_root, "instances");
        Square(truth, "00.png", 1, 1, 4);
        Square(truth, "01.png", 10, 5, 5);
        var (map, count) = HocImage.LoadInstances(truth, 20, 12);
        Assert.Equal(2, count);
        Assert.Equal(1, map[2 * 20 + 2]);
        Assert.Equal(2, map[6 * 20 + 12]);
        Assert.Equal(0, map[0]);
        var score = InstanceMatching.Match(map, count, map, count);
        Assert.Equal(2, score.Matched);
    }

    [Fact]
    public void AMaskOfAnotherSizeIsRefusedByName()
    {
        string truth = Path.Combine(_root, "bad");
        Square(truth, "00.png", 1, 1, 4, w: 16, h: 16);
        var e = Assert.Throws<DataException>(() => HocImage.LoadInstances(truth, 20, 12));
        Assert.Contains("00.png", e.Message);
        Assert.Contains("16x16", e.Message);
    }
}
