using System.Collections.Concurrent;

namespace KernelGan.Gan.Data;

/// <summary>
/// Shared loading engine of the file-backed datasets (folder, CUB).
/// Decision: decode everything once, eagerly, in parallel, and keep only the small cropped and
/// resized result, quantised to bytes (the sources are 8-bit anyway). Training visits every image
/// thousands of times, so re-decoding JPEGs per batch would dominate a CPU step, while the resized
/// bytes are tiny: 10k items at 64x64 take 3 * 4096 B + 4096 B = 16 KB each, about 160 MB in total
/// (a float copy would be four times that). Full-resolution pixels are not kept; evaluation
/// re-reads them on demand.
/// </summary>
internal sealed class PreparedItemStore
{
    private readonly byte[][] _images;
    private readonly byte[]?[] _masks;
    private readonly (int Width, int Height)[] _fullSizes;
    private readonly CropWindow[] _windows;

    public int Size { get; }
    public IReadOnlyList<FileItemSource> Sources { get; }

    public PreparedItemStore(IReadOnlyList<FileItemSource> sources, int size, IProgress<int>? progress = null)
    {
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(size), "image size must be positive");
        Size = size;
        Sources = sources;
        _images = new byte[sources.Count][];
        _masks = new byte[sources.Count][];
        _fullSizes = new (int, int)[sources.Count];
        _windows = new CropWindow[sources.Count];

        // Several items (boxes) may share one file: decode each file once.
        var groups = sources.Select((s, i) => (s, i)).GroupBy(p => p.s.ImagePath, StringComparer.Ordinal)
            .Select(g => g.Select(p => p.i).ToArray()).ToArray();
        var errors = new ConcurrentDictionary<int, DataException>();
        int firstError = int.MaxValue, done = 0;
        Parallel.For(0, groups.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, g =>
        {
            // After a failure only earlier files still matter: the error reported is the first one in
            // dataset order, independent of thread timing, and we do not decode thousands more for nothing.
            if (g > Volatile.Read(ref firstError)) return;
            try
            {
                PrepareGroup(groups[g]);
                progress?.Report(Interlocked.Add(ref done, groups[g].Length));
            }
            catch (DataException e)
            {
                errors[g] = e;
                int seen;
                while (g < (seen = Volatile.Read(ref firstError)) && Interlocked.CompareExchange(ref firstError, g, seen) != seen) { }
            }
        });
        if (!errors.IsEmpty) throw errors[errors.Keys.Min()];
    }

    private void PrepareGroup(int[] itemIndices)
    {
        var first = Sources[itemIndices[0]];
        var image = ImageIo.LoadRgb(first.ImagePath);
        var maskCache = new Dictionary<string, HostImage>(StringComparer.Ordinal);
        foreach (int i in itemIndices)
        {
            var source = Sources[i];
            var window = source.Box is { } box ? WindowForBox(box, source, image) : CropWindow.CenterSquare(image.Height, image.Width);
            _windows[i] = window;
            _fullSizes[i] = (image.Width, image.Height);
            _images[i] = Quantize(ImageOps.Resize(ImageOps.Crop(image, window, OutsideFill.EdgeReplicate), Size).Data);
            if (source.MaskPath is null) continue;
            if (!maskCache.TryGetValue(source.MaskPath, out var mask))
            {
                mask = ImageIo.LoadMask(source.MaskPath);
                if (mask.Height != image.Height || mask.Width != image.Width)
                    throw DataException.ForPath(source.MaskPath,
                        $"mask is {mask.Width}x{mask.Height} but its image {source.ImagePath} is {image.Width}x{image.Height}");
                maskCache[source.MaskPath] = mask;
            }
            _masks[i] = ToBits(ImageOps.ResizeMask(ImageOps.Crop(mask, window, OutsideFill.Zero), Size).Data);
        }
    }

    private static CropWindow WindowForBox(BoxSpec box, FileItemSource source, HostImage image)
    {
        bool overlaps = box.X < image.Width && box.Y < image.Height && box.X + box.Width > 0 && box.Y + box.Height > 0;
        if (!overlaps)
            throw new DataException($"{box.Origin}: box ({box.X}, {box.Y}, {box.Width}, {box.Height}) lies outside {source.ImagePath} ({image.Width}x{image.Height})");
        return CropWindow.AroundBox(box.X, box.Y, box.Width, box.Height);
    }

    public int Count => _images.Length;

    public HostImage Image(int index)
    {
        var bytes = _images[index];
        var img = new HostImage(3, Size, Size);
        for (int i = 0; i < bytes.Length; i++) img.Data[i] = bytes[i] * (1f / 255f);
        return img;
    }

    public HostImage? Mask(int index)
    {
        var bits = _masks[index];
        if (bits is null) return null;
        var mask = new HostImage(1, Size, Size);
        for (int i = 0; i < bits.Length; i++) mask.Data[i] = bits[i];
        return mask;
    }

    public CropWindow Window(int index) => _windows[index];

    public (int Width, int Height) FullSize(int index) => _fullSizes[index];

    public BoxAnnotation? Box(int index)
    {
        if (Sources[index].Box is not { } b) return null;
        var (w, h) = _fullSizes[index];
        return new BoxAnnotation(b.X, b.Y, b.Width, b.Height, w, h);
    }

    public HostImage FullImage(int index) => ImageIo.LoadRgb(Sources[index].ImagePath);

    public HostImage? FullMask(int index) => Sources[index].MaskPath is { } p ? ImageIo.LoadMask(p) : null;

    private static byte[] Quantize(float[] values)
    {
        var bytes = new byte[values.Length];
        for (int i = 0; i < values.Length; i++) bytes[i] = (byte)(Math.Clamp(values[i], 0f, 1f) * 255f + 0.5f);
        return bytes;
    }

    private static byte[] ToBits(float[] binary)
    {
        var bits = new byte[binary.Length];
        for (int i = 0; i < binary.Length; i++) bits[i] = binary[i] >= 0.5f ? (byte)1 : (byte)0;
        return bits;
    }
}
