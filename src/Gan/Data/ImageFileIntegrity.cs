using System.Buffers.Binary;

namespace KernelGan.Gan.Data;

/// <summary>
/// Cheap structural checks run before decoding. stb_image pads a truncated JPEG or BMP with zeros
/// and returns a half-grey picture without complaint, and it skips PNG CRCs; training on such
/// silently broken images is worse than stopping, so we detect those cases ourselves.
/// Each method returns null when the file looks whole, else a short reason.
/// </summary>
internal static class ImageFileIntegrity
{
    public static string? FindProblem(ReadOnlySpan<byte> bytes, ImageFileFormat format) => format switch
    {
        ImageFileFormat.Png => CheckPng(bytes),
        ImageFileFormat.Jpeg => CheckJpeg(bytes),
        ImageFileFormat.Bmp => CheckBmp(bytes),
        _ => null,
    };

    /// <summary>Walks the chunk list: every chunk must fit in the file, match its CRC, and IEND must be reached.</summary>
    private static string? CheckPng(ReadOnlySpan<byte> bytes)
    {
        int pos = 8;
        while (true)
        {
            if (pos + 8 > bytes.Length) return "PNG file is truncated (no IEND chunk)";
            uint length = BinaryPrimitives.ReadUInt32BigEndian(bytes[pos..]);
            var type = bytes.Slice(pos + 4, 4);
            if (length > int.MaxValue || pos + 12L + length > bytes.Length)
                return "PNG file is truncated (a chunk runs past the end of the file)";
            var data = bytes.Slice(pos + 8, (int)length);
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(bytes[(pos + 8 + (int)length)..]);
            if (Crc32.Compute(type, data) != stored)
                return $"PNG chunk '{ChunkName(type)}' fails its CRC check (corrupt file)";
            if (type.SequenceEqual("IEND"u8)) return null;
            pos += 12 + (int)length;
        }
    }

    private static string ChunkName(ReadOnlySpan<byte> type)
    {
        Span<char> chars = stackalloc char[4];
        for (int i = 0; i < 4; i++) chars[i] = type[i] is >= 0x20 and < 0x7F ? (char)type[i] : '?';
        return new string(chars);
    }

    /// <summary>
    /// Walks the JPEG marker segments (skipping each by its length, so thumbnails inside APP
    /// segments are never mistaken for the main image) and the entropy-coded scans (where every
    /// data FF is byte-stuffed as FF 00, so the next real marker is unambiguous) until the
    /// end-of-image marker. Running out of bytes first means the file was cut short. Bytes after
    /// the EOI (some cameras append data) are accepted.
    /// </summary>
    private static string? CheckJpeg(ReadOnlySpan<byte> bytes)
    {
        const string Truncated = "JPEG data ends before the end-of-image marker (truncated file)";
        int pos = 2; // after SOI
        bool sawScan = false;
        while (true)
        {
            if (pos >= bytes.Length) return Truncated;
            if (bytes[pos] != 0xFF) return "JPEG marker structure is broken (corrupt file)";
            while (pos < bytes.Length && bytes[pos] == 0xFF) pos++; // fill bytes before a marker
            if (pos >= bytes.Length) return Truncated;
            byte marker = bytes[pos++];
            if (marker == 0xD9) return sawScan ? null : "JPEG file has no image data (corrupt file)";
            if (marker is >= 0xD0 and <= 0xD7 or 0x01) continue; // stand-alone markers carry no length
            if (pos + 2 > bytes.Length) return Truncated;
            int length = BinaryPrimitives.ReadUInt16BigEndian(bytes[pos..]);
            if (length < 2) return "JPEG marker structure is broken (corrupt file)";
            if (pos + length > bytes.Length) return Truncated;
            pos += length;
            if (marker != 0xDA) continue;

            sawScan = true;
            while (true) // entropy-coded data: stop at the first FF that is not stuffing or a restart marker
            {
                if (pos + 1 >= bytes.Length) return Truncated;
                if (bytes[pos] == 0xFF && bytes[pos + 1] != 0x00 && bytes[pos + 1] is not (>= 0xD0 and <= 0xD7) && bytes[pos + 1] != 0xFF)
                    break;
                pos++;
            }
        }
    }

    /// <summary>For uncompressed BMPs the file must hold every pixel row its header promises.</summary>
    private static string? CheckBmp(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 34) return "BMP file is truncated (incomplete header)";
        uint pixelOffset = BinaryPrimitives.ReadUInt32LittleEndian(bytes[10..]);
        uint headerSize = BinaryPrimitives.ReadUInt32LittleEndian(bytes[14..]);
        if (headerSize < 40) return null; // old OS/2 headers: leave validation to the decoder
        int width = BinaryPrimitives.ReadInt32LittleEndian(bytes[18..]);
        int height = BinaryPrimitives.ReadInt32LittleEndian(bytes[22..]);
        int bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(bytes[28..]);
        uint compression = BinaryPrimitives.ReadUInt32LittleEndian(bytes[30..]);
        bool uncompressed = compression == 0 || compression == 3; // BI_RGB or BI_BITFIELDS
        if (!uncompressed || width <= 0 || bitsPerPixel == 0) return null;
        long stride = ((long)width * bitsPerPixel + 31) / 32 * 4;
        long needed = pixelOffset + stride * Math.Abs((long)height);
        return bytes.Length < needed ? "BMP file is shorter than its pixel data (truncated file)" : null;
    }
}
