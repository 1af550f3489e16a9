using KernelGan.Gan.Data;

namespace KernelGan.Tests.Data;

/// <summary>A fresh directory under the system temp folder, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "kernelgan-data-" + Guid.NewGuid().ToString("N"));

    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>Small deterministic images for tests.</summary>
internal static class TestImages
{
    /// <summary>An RGB image whose pixels encode their position (so crops and flips can be checked).</summary>
    public static HostImage Gradient(int height, int width)
    {
        var img = new HostImage(3, height, width);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                img[0, y, x] = (float)x / Math.Max(1, width - 1);
                img[1, y, x] = (float)y / Math.Max(1, height - 1);
                img[2, y, x] = ((x + y) % 7) / 6f;
            }
        return img;
    }

    /// <summary>A mask with a filled axis-aligned rectangle.</summary>
    public static HostImage RectMask(int height, int width, int x, int y, int w, int h)
    {
        var mask = new HostImage(1, height, width);
        for (int yy = y; yy < y + h; yy++)
            for (int xx = x; xx < x + w; xx++)
                mask[0, yy, xx] = 1f;
        return mask;
    }

    /// <summary>Writes a JPEG with StbImageWriteSharp (our own writer only does PNG).</summary>
    public static void SaveJpeg(string path, HostImage img)
    {
        int plane = img.PlaneSize;
        var bytes = new byte[plane * 3];
        for (int i = 0; i < plane; i++)
            for (int c = 0; c < 3; c++)
                bytes[i * 3 + c] = (byte)Math.Round(Math.Clamp(img.Data[c * plane + i], 0f, 1f) * 255);
        using var stream = File.Create(path);
        new StbImageWriteSharp.ImageWriter().WriteJpg(bytes, img.Width, img.Height, StbImageWriteSharp.ColorComponents.RedGreenBlue, stream, 95);
    }
}
