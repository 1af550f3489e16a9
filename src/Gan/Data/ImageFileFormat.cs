namespace KernelGan.Gan.Data;

/// <summary>The image containers we accept, recognised from their first bytes, never from the file name.</summary>
public enum ImageFileFormat
{
    Unknown,
    Png,
    Jpeg,
    Bmp,
}

internal static class ImageFileFormatSniffer
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static ImageFileFormat Detect(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith(PngSignature)) return ImageFileFormat.Png;
        if (bytes.Length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF) return ImageFileFormat.Jpeg;
        if (bytes.Length >= 2 && bytes[0] == (byte)'B' && bytes[1] == (byte)'M') return ImageFileFormat.Bmp;
        return ImageFileFormat.Unknown;
    }

    public static string Describe(ImageFileFormat format) => format switch
    {
        ImageFileFormat.Png => "PNG",
        ImageFileFormat.Jpeg => "JPEG",
        ImageFileFormat.Bmp => "BMP",
        _ => "unknown",
    };
}
