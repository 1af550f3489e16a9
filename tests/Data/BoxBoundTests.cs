using KernelGan.Gan.Data;
using Xunit;

namespace KernelGan.Tests.Data;

public class BoxBoundTests
{
    private static HostImage Ones(int height, int width)
    {
        var mask = new HostImage(1, height, width);
        Array.Fill(mask.Data, 1f);
        return mask;
    }

    private static List<(int Y, int X)> Lit(HostImage mask) =>
        [.. from y in Enumerable.Range(0, mask.Height) from x in Enumerable.Range(0, mask.Width) where mask[0, y, x] != 0f select (y, x)];

    [Fact]
    public void ZeroOutside_keeps_exactly_the_pixels_a_fractional_box_overlaps()
    {
        var mask = Ones(10, 12);
        BoxBound.ZeroOutside(mask, x: 2.5, y: 3, width: 4, height: 2.2);
        // Columns 2..6 (2.5 to 6.5 rounds outwards), rows 3..5 (3 to 5.2).
        var expected = from y in Enumerable.Range(3, 3) from x in Enumerable.Range(2, 5) select (y, x);
        Assert.Equal(expected, Lit(mask));
    }

    [Fact]
    public void Fill_covers_the_same_pixels_the_bound_keeps()
    {
        var filled = new HostImage(1, 9, 7);
        var bounded = Ones(9, 7);
        BoxBound.Fill(filled, 1.2, 0.7, 3.1, 6);
        BoxBound.ZeroOutside(bounded, 1.2, 0.7, 3.1, 6);
        Assert.Equal(bounded.Data, filled.Data);
        Assert.Equal(4 * 7, Lit(filled).Count);
    }

    [Fact]
    public void A_box_over_the_image_edge_is_clipped_to_the_image()
    {
        var mask = Ones(6, 6);
        BoxBound.ZeroOutside(mask, x: -3, y: 4, width: 5, height: 10);
        Assert.Equal([(4, 0), (4, 1), (5, 0), (5, 1)], Lit(mask));
        var filled = new HostImage(1, 6, 6);
        BoxBound.Fill(filled, 5.5, -2, 4, 3);
        Assert.Equal([(0, 5)], Lit(filled));
    }

    [Fact]
    public void Soft_values_inside_the_box_are_kept_as_they_are()
    {
        var mask = new HostImage(1, 4, 4);
        for (int i = 0; i < mask.Data.Length; i++) mask.Data[i] = 0.1f * (i % 7);
        var before = mask.Data.ToArray();
        BoxBound.ZeroOutside(mask, 1, 1, 2, 2);
        foreach (var (y, x) in new[] { (1, 1), (1, 2), (2, 1), (2, 2) }) Assert.Equal(before[y * 4 + x], mask[0, y, x]);
        Assert.Equal(0f, mask[0, 0, 0]);
        Assert.Equal(0f, mask[0, 3, 3]);
    }

    [Fact]
    public void A_mask_with_several_channels_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => BoxBound.ZeroOutside(new HostImage(3, 4, 4), 0, 0, 2, 2));
        Assert.Contains("1-channel", error.Message);
    }
}
