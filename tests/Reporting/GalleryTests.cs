using KernelGan.Gan.Data;
using KernelGan.Gan.Reporting;
using KernelGan.Gan.Segmentation;
using Xunit;

namespace KernelGan.Tests.Reporting;

/// <summary>The report's gallery: masks drawn over images, worst first, pictures at a readable size.</summary>
public class GalleryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kg-gallery-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void OverlayFillsTheInsideTranslucentlyOutlinesTheBoundaryAndLeavesTheRest()
    {
        var image = new HostImage(3, 5, 5);
        Array.Fill(image.Data, 0.5f);
        var mask = new HostImage(1, 5, 5);
        for (int y = 0; y < 3; y++) for (int x = 0; x < 3; x++) mask[0, y, x] = 0.9f; // 3x3 block in the corner
        mask[0, 4, 4] = 0.4f; // below the threshold: not foreground
        float[] colour = [1f, 0f, 0.25f];
        var o = MaskOverlay.Binary(image, mask, colour);
        float a = MaskOverlay.FillAlpha;
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal((1 - a) * 0.5f + a * colour[c], o[c, 1, 1], 6); // the block's only inner pixel
            foreach (var (y, x) in new[] { (0, 0), (0, 2), (2, 1), (1, 0), (2, 2) }) Assert.Equal(colour[c], o[c, y, x], 6); // outline (image border counts)
            foreach (var (y, x) in new[] { (3, 3), (0, 3), (4, 4) }) Assert.Equal(0.5f, o[c, y, x], 6); // outside: untouched
        }
    }

    [Fact]
    public void NearestUpscalingRepeatsEachPixelAsABlock()
    {
        var img = new HostImage(1, 2, 2, [0f, 0.25f, 0.5f, 1f]);
        var up = ImageOps.UpscaleNearest(img, 2);
        Assert.Equal(new[] { 0f, 0f, 0.25f, 0.25f, 0f, 0f, 0.25f, 0.25f, 0.5f, 0.5f, 1f, 1f, 0.5f, 0.5f, 1f, 1f }, up.Data);
    }

    [Fact]
    public void SelectionIsWorstFirstThenBestWithTiesToTheEarlierItem()
    {
        double[] iou = [0.9, 0.1, double.NaN, 0.5, 0.1, 0.95];
        Assert.Equal(new[] { 2, 1, 5, 0 }, GallerySelection.WorstThenBest(iou, worst: 2, best: 2));
        Assert.Equal(new[] { 2, 1, 4, 3, 5, 0 }, GallerySelection.WorstThenBest(iou, worst: 4, best: 12)); // fewer items than asked: each once
    }

    [Fact]
    public void GalleryWritesTruthBesidePredictionInWorstFirstOrder()
    {
        var data = new Discs(5);
        var predictor = new MaskPredictor(new UNet(Device.Cpu, new KernelGan.Rng(3), 3, 4, depth: 2), 16, KernelGan.Device.Cpu);
        double[] iou = [0.7, 0.2, 0.9, 0.4, 0.6];
        var tiles = MaskGallery.Write(predictor, data, iou, _root);
        Assert.Equal(5, tiles.Count);
        Assert.Equal("worst #1: disc1, IoU 0.200", tiles[0].Caption);
        Assert.Equal("worst #5: disc2, IoU 0.900", tiles[4].Caption); // 5 items all fall among the 24 worst
        var picture = ImageIo.LoadRgb(Path.Combine(_root, tiles[0].File));
        Assert.Equal((2 * 128 + 3 * 2, 128 + 2 * 2), (picture.Width, picture.Height)); // two 16-px panels enlarged 8x, grid padding
        // The truth panel (left) outlines the disc in the truth colour; the disc's left edge is at x = 4 (16 px) = 32..39 (128 px).
        Assert.Equal(MaskGallery.TruthColour[1], picture[1, 2 + 64, 2 + 32], 2);
    }

    [Fact]
    public void SmallPicturesAreEnlargedByAWholeFactorAndLargeOnesLeftAlone()
    {
        ImageIo.SavePng(Path.Combine(_root, "small.png"), new HostImage(3, 10, 32));
        ImageIo.SavePng(Path.Combine(_root, "large.png"), new HostImage(3, 10, 600));
        Assert.Equal("<img class=\"px\" src=\"small.png\" width=\"544\">", ReportPicture.Tag(_root, "small.png"));
        Assert.Equal("<img src=\"large.png\">", ReportPicture.Tag(_root, "large.png"));
        RunReport.Write(_root, "run", "{}", ["small.png"], [], [], new RunReport.Gallery([new("gallery/000.png", "worst #1: a, IoU 0.100")], "intro"));
        string html = File.ReadAllText(Path.Combine(_root, "report.html"));
        Assert.Contains("<h2>Masks on real images</h2>", html);
        Assert.Contains("<img src=\"gallery/000.png\"><figcaption>worst #1: a, IoU 0.100</figcaption>", html);
        Assert.Contains("width=\"544\"", html);
    }

    /// <summary>Five 16-px images of a white disc centred at (8, 8), radius 4, with exact masks.</summary>
    private sealed class Discs(int count) : IImageDataset
    {
        public int Count => count;
        public int Size => 16;
        public string Name(int index) => $"disc{index}";
        public HostImage Image(int index) => Fill(3);
        public HostImage? Mask(int index) => Fill(1);

        private static HostImage Fill(int channels)
        {
            var img = new HostImage(channels, 16, 16);
            for (int c = 0; c < channels; c++)
                for (int y = 0; y < 16; y++)
                    for (int x = 0; x < 16; x++)
                        if ((x - 8) * (x - 8) + (y - 8) * (y - 8) <= 16) img[c, y, x] = 1f;
            return img;
        }
    }
}
