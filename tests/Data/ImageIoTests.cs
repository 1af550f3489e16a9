using KernelGan.Gan.Data;
using Xunit;

namespace KernelGan.Tests.Data;

public class ImageIoTests
{
    [Fact]
    public void Rgb_png_round_trips_to_8_bit_precision()
    {
        using var dir = new TempDirectory();
        var img = TestImages.Gradient(17, 23);
        string path = dir.Combine("round.png");
        ImageIo.SavePng(path, img);
        var back = ImageIo.LoadRgb(path);
        Assert.Equal((3, 17, 23), (back.Channels, back.Height, back.Width));
        for (int i = 0; i < img.Data.Length; i++) Assert.True(Math.Abs(img.Data[i] - back.Data[i]) <= 0.5f / 255f + 1e-6f);
    }

    [Fact]
    public void Mask_png_round_trips_exactly_and_gray_loads_as_rgb()
    {
        using var dir = new TempDirectory();
        var mask = TestImages.RectMask(12, 10, 2, 3, 5, 4);
        string path = dir.Combine("mask.png");
        ImageIo.SavePng(path, mask);
        Assert.Equal(mask.Data, ImageIo.LoadMask(path).Data);
        var rgb = ImageIo.LoadRgb(path); // 1-channel file promoted to 3 equal channels
        Assert.Equal(3, rgb.Channels);
        Assert.Equal(mask.Data, rgb.Plane(0).ToArray());
        Assert.Equal(mask.Data, rgb.Plane(2).ToArray());
    }

    [Fact]
    public void Load_mask_thresholds_soft_values_above_127()
    {
        using var dir = new TempDirectory();
        var soft = new HostImage(1, 1, 3, [127f / 255f, 128f / 255f, 1f]);
        string path = dir.Combine("soft.png");
        ImageIo.SavePng(path, soft);
        Assert.Equal([0f, 1f, 1f], ImageIo.LoadMask(path).Data);
    }

    [Fact]
    public void Save_clamps_out_of_range_values_and_replaces_existing_file()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("sub", "clamp.png");
        ImageIo.SavePng(path, new HostImage(1, 1, 2, [-3f, 7f])); // creates the missing folder
        Assert.Equal([0f, 1f], ImageIo.LoadGray(path).Data);
        ImageIo.SavePng(path, new HostImage(1, 1, 2, [1f, 0f]));
        Assert.Equal([1f, 0f], ImageIo.LoadGray(path).Data);
        Assert.Single(Directory.GetFiles(dir.Combine("sub"))); // no temp files left behind
    }

    [Fact]
    public void Jpeg_loads()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("photo.jpg");
        TestImages.SaveJpeg(path, TestImages.Gradient(16, 16));
        var img = ImageIo.LoadRgb(path);
        Assert.Equal((3, 16, 16), (img.Channels, img.Height, img.Width));
    }

    [Fact]
    public void Missing_file_throws_data_exception_naming_the_path()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("nothing-here.png");
        var e = Assert.Throws<DataException>(() => ImageIo.LoadRgb(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("not found", e.Message);
    }

    [Fact]
    public void Text_file_renamed_png_throws_data_exception()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("fake.png");
        File.WriteAllText(path, "this is not an image at all\n");
        var e = Assert.Throws<DataException>(() => ImageIo.LoadRgb(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains("not a PNG/JPEG", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("png", 0.6)]
    [InlineData("jpg", 0.6)]
    [InlineData("png", 0.05)]
    public void Truncated_files_throw_data_exception(string extension, double keep)
    {
        using var dir = new TempDirectory();
        string good = dir.Combine("good." + extension);
        if (extension == "png") ImageIo.SavePng(good, TestImages.Gradient(20, 20));
        else TestImages.SaveJpeg(good, TestImages.Gradient(20, 20));
        var bytes = File.ReadAllBytes(good);
        string cut = dir.Combine("cut." + extension);
        File.WriteAllBytes(cut, bytes[..(int)(bytes.Length * keep)]);
        var e = Assert.Throws<DataException>(() => ImageIo.LoadRgb(cut));
        Assert.Contains(cut, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Corrupt_png_bytes_throw_data_exception()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("corrupt.png");
        ImageIo.SavePng(path, TestImages.Gradient(20, 20));
        var bytes = File.ReadAllBytes(path);
        for (int i = 60; i < bytes.Length - 20; i += 11) bytes[i] ^= 0x5A;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<DataException>(() => ImageIo.LoadMask(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("corrupt", e.Message);
    }

    [Fact]
    public void Bmp_loads_and_truncated_bmp_is_detected()
    {
        using var dir = new TempDirectory();
        var pixels = new byte[10 * 6 * 3];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i * 7);
        string path = dir.Combine("ok.bmp");
        using (var stream = File.Create(path))
            new StbImageWriteSharp.ImageWriter().WriteBmp(pixels, 10, 6, StbImageWriteSharp.ColorComponents.RedGreenBlue, stream);
        var img = ImageIo.LoadRgb(path);
        Assert.Equal(pixels[3 * 12 + 1] / 255f, img[1, 1, 2], 1e-6f); // row 1, column 2, green
        var bytes = File.ReadAllBytes(path);
        string cut = dir.Combine("cut.bmp");
        File.WriteAllBytes(cut, bytes[..(bytes.Length - 40)]);
        Assert.Contains("truncated", Assert.Throws<DataException>(() => ImageIo.LoadRgb(cut)).Message);
    }

    [Fact]
    public void Alpha_is_composited_over_white()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("alpha.png");
        byte[] rgba = [255, 0, 0, 255, 0, 0, 0, 0, 0, 0, 255, 128];
        using (var stream = File.Create(path))
            new StbImageWriteSharp.ImageWriter().WritePng(rgba, 3, 1, StbImageWriteSharp.ColorComponents.RedGreenBlueAlpha, stream);
        var img = ImageIo.LoadRgb(path);
        Assert.Equal([1f, 0f, 0f], [img[0, 0, 0], img[1, 0, 0], img[2, 0, 0]]); // opaque red stays red
        Assert.Equal([1f, 1f, 1f], [img[0, 0, 1], img[1, 0, 1], img[2, 0, 1]]); // transparent black reads white
        Assert.Equal(1f - 128f / 255f, img[0, 0, 2], 1e-5f);                      // half-transparent blue
        Assert.Equal(1f, img[2, 0, 2], 1e-5f);
    }

    [Fact]
    public void Empty_file_throws_data_exception()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("empty.jpg");
        File.WriteAllBytes(path, []);
        Assert.Contains("empty file", Assert.Throws<DataException>(() => ImageIo.LoadRgb(path)).Message);
    }

    [Fact]
    public void Minus_one_one_conversion_round_trips()
    {
        var img = TestImages.Gradient(5, 6);
        var buffer = new float[img.Data.Length];
        img.ToMinusOneOne(buffer);
        Assert.All(buffer, v => Assert.InRange(v, -1f, 1f));
        Assert.Equal(-1f, buffer[0]);
        var back = HostImage.FromMinusOneOne(buffer, 3, 5, 6);
        for (int i = 0; i < buffer.Length; i++) Assert.Equal(img.Data[i], back.Data[i], 1e-5f);
    }
}
