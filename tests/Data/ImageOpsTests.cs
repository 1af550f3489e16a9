using KernelGan.Gan.Data;
using Xunit;

namespace KernelGan.Tests.Data;

public class ImageOpsTests
{
    [Theory]
    [InlineData(40, 40, 13, 13)]
    [InlineData(10, 16, 37, 29)]
    [InlineData(64, 48, 64, 20)]
    public void Resize_of_constant_image_is_constant(int h, int w, int outH, int outW)
    {
        var img = new HostImage(3, h, w);
        Array.Fill(img.Data, 0.3f);
        var resized = ImageOps.Resize(img, outH, outW);
        Assert.Equal((3, outH, outW), (resized.Channels, resized.Height, resized.Width));
        Assert.All(resized.Data, v => Assert.Equal(0.3f, v, 1e-5f));
    }

    [Fact]
    public void Shrinking_a_fine_checkerboard_antialiases_to_mid_grey()
    {
        var board = new HostImage(1, 64, 64);
        for (int y = 0; y < 64; y++)
            for (int x = 0; x < 64; x++)
                board[0, y, x] = (x + y) % 2;
        var small = ImageOps.Resize(board, 16, 16);
        Assert.All(small.Data, v => Assert.InRange(v, 0.4f, 0.6f));
    }

    [Fact]
    public void Upscaling_interpolates_between_pixels()
    {
        var img = new HostImage(1, 1, 2, [0f, 1f]);
        var big = ImageOps.Resize(img, 1, 4);
        Assert.Equal([0f, 0.25f, 0.75f, 1f], big.Data);
    }

    [Fact]
    public void Resize_mask_stays_binary_and_keeps_area()
    {
        var mask = TestImages.RectMask(100, 100, 20, 32, 52, 40); // edges on the 4-pixel grid
        var small = ImageOps.ResizeMask(mask, 25, 25);
        Assert.All(small.Data, v => Assert.True(v is 0f or 1f));
        Assert.InRange(DatasetStats.ForegroundFraction(small), 0.198, 0.218); // 0.208 at full size
    }

    [Fact]
    public void Center_crop_takes_the_middle_square()
    {
        var img = TestImages.Gradient(10, 16);
        var crop = ImageOps.CenterCropSquare(img);
        Assert.Equal((10, 10), (crop.Height, crop.Width));
        Assert.Equal(img[0, 0, 3], crop[0, 0, 0]);
        Assert.Equal(img[1, 9, 12], crop[1, 9, 9]);
    }

    [Fact]
    public void Crop_around_box_is_1_5x_longer_side_centred()
    {
        var window = CropWindow.AroundBox(10, 20, 40, 20);
        Assert.Equal(new CropWindow(0, 0, 60), window);
        var img = TestImages.Gradient(50, 70);
        var crop = ImageOps.CropSquareAroundBox(img, 10, 20, 40, 20);
        Assert.Equal(60, crop.Width);
        Assert.Equal(img[0, 49, 59], crop[0, 55, 59]); // rows past the bottom replicate the last row
    }

    [Fact]
    public void Mask_crop_outside_the_image_is_background()
    {
        var mask = new HostImage(1, 10, 10);
        Array.Fill(mask.Data, 1f);
        var crop = ImageOps.CropMaskSquareAroundBox(mask, 6, 6, 4, 4, scale: 2.5);
        Assert.Equal(10, crop.Width); // window (3, 3)-(13, 13)
        Assert.Equal(1f, crop[0, 0, 0]);
        Assert.Equal(0f, crop[0, 9, 9]);
        Assert.Equal(49, crop.Data.Count(v => v == 1f));
    }

    [Theory]
    [InlineData(30, 40, 50, 20)]  // wide box
    [InlineData(0, 0, 25, 60)]    // at the corner: window leaves the image
    [InlineData(70, 55, 28, 24)]  // at the far edge
    public void Crop_and_paste_back_invert_each_other_on_a_mask(int x, int y, int w, int h)
    {
        var full = new HostImage(1, 80, 100);
        for (int yy = y; yy < Math.Min(80, y + h); yy++)
            for (int xx = x; xx < Math.Min(100, x + w); xx++)
                full[0, yy, xx] = ((xx * 7 + yy * 3) % 5) < 3 ? 1f : 0f; // a textured object inside the box
        var window = CropWindow.AroundBox(x, y, w, h);
        var crop = ImageOps.Crop(full, window, OutsideFill.Zero);
        var pasted = ImageOps.PasteCropMask(crop, window, 80, 100);
        Assert.Equal(full.Data, pasted.Data);
    }

    [Fact]
    public void Paste_back_from_model_resolution_is_close()
    {
        var full = TestImages.RectMask(120, 160, 50, 30, 60, 50);
        var window = CropWindow.AroundBox(50, 30, 60, 50);
        var small = ImageOps.ResizeMask(ImageOps.Crop(full, window, OutsideFill.Zero), 32, 32);
        var pasted = ImageOps.PasteCropMask(small, window, 120, 160);
        Assert.True(MaskMetrics.Iou(pasted, full) > 0.9);
        Assert.Equal(0f, pasted[0, 0, 0]);
    }

    [Fact]
    public void Horizontal_flip_mirrors_columns_and_is_an_involution()
    {
        var img = TestImages.Gradient(4, 5);
        var flipped = ImageOps.FlipHorizontal(img);
        Assert.Equal(img[0, 2, 0], flipped[0, 2, 4]);
        Assert.Equal(img[2, 3, 1], flipped[2, 3, 3]);
        Assert.Equal(img.Data, ImageOps.FlipHorizontal(flipped).Data);
    }

    [Fact]
    public void Grid_places_tiles_with_padding_and_promotes_gray()
    {
        var rgb = TestImages.Gradient(4, 4);
        var gray = TestImages.RectMask(4, 4, 0, 0, 4, 4);
        var grid = ImageOps.MakeGrid([rgb, gray, rgb], columns: 2, pad: 1, padValue: 0.5f);
        Assert.Equal((3, 11, 11), (grid.Channels, grid.Height, grid.Width));
        Assert.Equal(0.5f, grid[0, 0, 0]);
        Assert.Equal(rgb[1, 2, 3], grid[1, 3, 4]);
        Assert.Equal(1f, grid[2, 1, 6]); // gray tile shown in every channel
        Assert.Equal(0.5f, grid[0, 7, 7]); // empty cell keeps the pad colour
    }
}
