using StbImageSharp;
using StbImageWriteSharp;
using ReadComponents = StbImageSharp.ColorComponents;
using WriteComponents = StbImageWriteSharp.ColorComponents;

namespace KernelGan.Gan.Data;

/// <summary>
/// Image files in and out. Decoding is StbImageSharp (PNG, JPEG, BMP), preceded by our own
/// integrity checks so that truncated or corrupt files fail loudly instead of decoding to garbage.
/// Every failure is a <see cref="DataException"/> whose one-line message names the path.
/// </summary>
public static class ImageIo
{
    /// <summary>
    /// Loads a PNG/JPEG/BMP as 3-channel RGB in [0, 1]. Grayscale is replicated into R, G and B.
    /// An alpha channel is composited over white, because colours stored under fully transparent
    /// pixels are arbitrary and would otherwise leak into training data.
    /// </summary>
    public static HostImage LoadRgb(string path)
    {
        var decoded = Decode(path);
        int w = decoded.Width, h = decoded.Height, plane = w * h;
        var img = new HostImage(3, h, w);
        var dst = img.Data;
        var src = decoded.Data;
        const float inv = 1f / 255f;
        switch (decoded.Comp)
        {
            case ReadComponents.Grey:
                for (int i = 0; i < plane; i++) dst[i] = dst[plane + i] = dst[2 * plane + i] = src[i] * inv;
                break;
            case ReadComponents.GreyAlpha:
                for (int i = 0; i < plane; i++)
                {
                    float a = src[2 * i + 1] * inv;
                    dst[i] = dst[plane + i] = dst[2 * plane + i] = src[2 * i] * inv * a + (1f - a);
                }
                break;
            case ReadComponents.RedGreenBlue:
                for (int i = 0; i < plane; i++)
                {
                    dst[i] = src[3 * i] * inv;
                    dst[plane + i] = src[3 * i + 1] * inv;
                    dst[2 * plane + i] = src[3 * i + 2] * inv;
                }
                break;
            case ReadComponents.RedGreenBlueAlpha:
                for (int i = 0; i < plane; i++)
                {
                    float a = src[4 * i + 3] * inv, white = 1f - a;
                    dst[i] = src[4 * i] * inv * a + white;
                    dst[plane + i] = src[4 * i + 1] * inv * a + white;
                    dst[2 * plane + i] = src[4 * i + 2] * inv * a + white;
                }
                break;
            default:
                throw DataException.ForPath(path, $"unsupported colour layout {decoded.Comp}");
        }
        return img;
    }

    /// <summary>
    /// Loads an image as one soft gray channel in [0, 1]. RGB(A) files are converted with the
    /// ITU-R 601 luminance (0.299 R + 0.587 G + 0.114 B, what PIL's <c>convert("L")</c> does, so masks
    /// read the same as in the reference Python code); alpha is ignored.
    /// </summary>
    public static HostImage LoadGray(string path)
    {
        var bytes = LoadGrayBytes(path, out int h, out int w);
        var img = new HostImage(1, h, w);
        for (int i = 0; i < bytes.Length; i++) img.Data[i] = bytes[i] * (1f / 255f);
        return img;
    }

    /// <summary>
    /// Loads a binary mask: foreground (1) where the 8-bit gray value (see <see cref="LoadGray"/>
    /// for how colour files become gray) is above 127, background (0) elsewhere. Works for hard
    /// 0/255 masks and for soft ones such as CUB's segmentations.
    /// </summary>
    public static HostImage LoadMask(string path)
    {
        var bytes = LoadGrayBytes(path, out int h, out int w);
        var img = new HostImage(1, h, w);
        for (int i = 0; i < bytes.Length; i++) img.Data[i] = bytes[i] > 127 ? 1f : 0f;
        return img;
    }

    /// <summary>Reads only the header: (width, height). Throws like the loaders for bad files.</summary>
    public static (int Width, int Height) ReadSize(string path)
    {
        var bytes = ReadAllBytes(path);
        CheckContainer(path, bytes);
        using var stream = new MemoryStream(bytes, writable: false);
        var info = ImageInfo.FromStream(stream)
            ?? throw DataException.ForPath(path, "not a readable PNG/JPEG/BMP image (corrupt header)");
        return (info.Width, info.Height);
    }

    /// <summary>
    /// Writes a 1-channel (gray/mask) or 3-channel (RGB) image as 8-bit PNG, values clamped to [0, 1].
    /// The file is written beside the target under a temporary name and then renamed over it, so a
    /// reader (the report page, a person watching samples) never sees half a file.
    /// Missing parent directories are created.
    /// </summary>
    public static void SavePng(string path, HostImage image)
    {
        var png = EncodePng(image);
        AtomicFile.WriteAllBytes(path, png);
    }

    /// <summary>Encodes a 1- or 3-channel image as PNG bytes (e.g. for embedding in HTML).</summary>
    public static byte[] EncodePng(HostImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Channels is not (1 or 3))
            throw new ArgumentException($"SavePng writes 1- or 3-channel images, got {image.Channels} channels", nameof(image));
        int plane = image.PlaneSize, channels = image.Channels;
        var interleaved = new byte[plane * channels];
        var src = image.Data;
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < plane; i++)
                interleaved[i * channels + c] = ToByte(src[c * plane + i]);
        using var stream = new MemoryStream();
        new ImageWriter().WritePng(interleaved, image.Width, image.Height,
            channels == 1 ? WriteComponents.Grey : WriteComponents.RedGreenBlue, stream);
        return stream.ToArray();
    }

    private static byte ToByte(float v)
    {
        if (!(v > 0f)) return 0; // also maps NaN to 0
        if (v >= 1f) return 255;
        return (byte)(v * 255f + 0.5f);
    }

    private static byte[] LoadGrayBytes(string path, out int height, out int width)
    {
        var decoded = Decode(path);
        width = decoded.Width;
        height = decoded.Height;
        int plane = width * height;
        var src = decoded.Data;
        var gray = new byte[plane];
        switch (decoded.Comp)
        {
            case ReadComponents.Grey:
                Array.Copy(src, gray, plane);
                break;
            case ReadComponents.GreyAlpha:
                for (int i = 0; i < plane; i++) gray[i] = src[2 * i];
                break;
            case ReadComponents.RedGreenBlue:
            case ReadComponents.RedGreenBlueAlpha:
                int stride = decoded.Comp == ReadComponents.RedGreenBlue ? 3 : 4;
                for (int i = 0; i < plane; i++)
                {
                    int o = i * stride;
                    // PIL's fixed-point ITU-R 601: (R*299 + G*587 + B*114) / 1000, rounded.
                    gray[i] = (byte)((src[o] * 299 + src[o + 1] * 587 + src[o + 2] * 114 + 500) / 1000);
                }
                break;
            default:
                throw DataException.ForPath(path, $"unsupported colour layout {decoded.Comp}");
        }
        return gray;
    }

    /// <summary>Reads, checks and decodes a file into its native component layout.</summary>
    private static ImageResult Decode(string path)
    {
        var bytes = ReadAllBytes(path);
        var format = CheckContainer(path, bytes);
        ImageResult result;
        try
        {
            result = ImageResult.FromMemory(bytes, ReadComponents.Default);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // stb is a C port: bad input surfaces as InvalidOperationException, or as index errors from
            // deep inside. Its messages are terse ("bad huffman code") or even blank: keep them as a hint.
            string hint = string.IsNullOrWhiteSpace(e.Message) ? "" : $"; decoder says: {e.Message.Trim()}";
            throw DataException.ForPath(path, $"corrupt or truncated {ImageFileFormatSniffer.Describe(format)} image{hint}");
        }
        if (result is null || result.Data is null || result.Width <= 0 || result.Height <= 0)
            throw DataException.ForPath(path, $"corrupt {ImageFileFormatSniffer.Describe(format)} image (no pixels decoded)");
        return result;
    }

    private static ImageFileFormat CheckContainer(string path, byte[] bytes)
    {
        if (bytes.Length == 0) throw DataException.ForPath(path, "empty file, not an image");
        var format = ImageFileFormatSniffer.Detect(bytes);
        if (format == ImageFileFormat.Unknown)
            throw DataException.ForPath(path, "not a PNG/JPEG/BMP image (unrecognised file header)");
        var problem = ImageFileIntegrity.FindProblem(bytes, format);
        if (problem is not null) throw DataException.ForPath(path, problem);
        return format;
    }

    private static byte[] ReadAllBytes(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw DataException.ForPath(path, Directory.Exists(path) ? "is a directory, not an image file" : "file not found");
        }
        catch (UnauthorizedAccessException)
        {
            throw DataException.ForPath(path, Directory.Exists(path) ? "is a directory, not an image file" : "permission denied");
        }
        catch (IOException e)
        {
            throw DataException.ForPath(path, $"cannot read file ({e.Message.Trim()})");
        }
    }
}
