using KernelGan.Gan.Data;
using KernelGan.Gan.Hoc;
using KernelGan.Gan.Reporting;
using Xunit;

namespace KernelGan.Tests.Prior;

/// <summary>hoc's overlay: every instance outlined in its own colour and numbered at its centroid.</summary>
public class NumberedOverlayTests
{
    [Fact]
    public void EachInstanceIsOutlinedInItsColourAndNumberedOnAPlateAtItsCentroid()
    {
        // 40x20 gray image; instance 1 = x 2..12, y 4..14; instance 2 = x 24..36, y 2..16.
        const int w = 40, h = 20;
        var image = new HostImage(3, h, w);
        Array.Fill(image.Data, 0.5f);
        var map = new int[w * h];
        for (int y = 4; y <= 14; y++) for (int x = 2; x <= 12; x++) map[y * w + x] = 1;
        for (int y = 2; y <= 16; y++) for (int x = 24; x <= 36; x++) map[y * w + x] = 2;
        var labels = new InstanceLabels(map, w, h, 2);
        Assert.Equal(new[] { (1, 7, 9), (2, 30, 9) }, InstanceOutputs.Centroids(labels));

        var o = InstanceOutputs.Overlay(image, labels);
        foreach (var (id, x, y) in new[] { (1, 2, 9), (1, 7, 4), (2, 36, 9), (2, 30, 16) })
            for (int c = 0; c < 3; c++) Assert.Equal(MaskOverlay.Distinct(id)[c], o[c, y, x], 6); // outline pixels in the instance's colour
        for (int c = 0; c < 3; c++) Assert.Equal(0.5f, o[c, 0, 20], 6); // background untouched

        // One digit: a 5x7 plate centred on the centroid, the glyph inside a one-pixel margin.
        var (px, py) = (7 - 2, 9 - 3);
        AssertPlate(o, 1, px, py, ink: 0f); // a light plate (green) takes black ink
        AssertPlate(o, 2, 30 - 2, 9 - 3, ink: 1f); // a dark plate (violet) takes white ink
    }

    [Fact]
    public void APlateNearTheEdgeMovesInsideAndTwoDigitsSitSideBySide()
    {
        var image = new HostImage(3, 12, 20);
        var (x0, y0) = BitmapDigits.DrawNumber(image, 17, 19, 0, [0f, 0f, 0f]);
        Assert.Equal((20 - 9, 0), (x0, y0)); // 2 digits: (2*4+1) x 7 plate, pushed in from the right and top edges; digit k starts at x0 + 1 + 4k
        Assert.Equal(1f, image[0, y0 + 1, x0 + 2]); // '1' inks its top middle pixel...
        Assert.Equal(0f, image[0, y0 + 1, x0 + 1]); // ...not its top left
        Assert.Equal(1f, image[0, y0 + 5, x0 + 7]); // '7' inks the bottom of its right column
        Assert.Equal(0f, image[0, y0 + 5, x0 + 5]); // ...not its bottom left
    }

    private static void AssertPlate(HostImage o, int number, int x0, int y0, float ink)
    {
        var plate = MaskOverlay.Distinct(number);
        for (int y = 0; y < 7; y++)
            for (int x = 0; x < 5; x++)
            {
                bool inked = x is >= 1 and <= 3 && y is >= 1 and <= 5 && BitmapDigits.Ink(number, x - 1, y - 1);
                for (int c = 0; c < 3; c++) Assert.Equal(inked ? ink : plate[c], o[c, y0 + y, x0 + x], 6);
            }
    }
}
