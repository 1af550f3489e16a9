namespace KernelGan.Gan.Data;

/// <summary>
/// A dataset in a plain folder:
/// <code>
/// DIR/images/*.png|jpg|jpeg|bmp   the images (sorted by file name, ordinal, so the order is deterministic)
/// DIR/masks/&lt;stem&gt;.png          optional ground-truth masks (foreground > 127)
/// DIR/boxes.csv                  optional stem,x,y,w,h object boxes in pixels (header optional)
/// </code>
/// Without boxes each image is centre-cropped to a square and resized to Size. With
/// <c>useBoxes</c> every box becomes one item: a square of 1.5 x the box's longer side around it,
/// then resized; images without a box are left out (<see cref="ImagesWithoutBox"/> counts them).
/// All images are decoded once at construction, in parallel (see <see cref="PreparedItemStore"/>).
/// </summary>
public sealed class FolderDataset : PreparedItemDataset
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".bmp"];

    public string Directory { get; }
    public bool UsesBoxes { get; }

    /// <summary>Number of images skipped in box mode because boxes.csv has no line for them.</summary>
    public int ImagesWithoutBox { get; }

    /// <summary>True when masks/ exists (some items may still lack a mask file).</summary>
    public bool HasMasks { get; }

    public FolderDataset(string dir, int size, bool useBoxes = false, IProgress<int>? progress = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(dir);
        if (!System.IO.Directory.Exists(dir)) throw DataException.ForPath(dir, "dataset directory not found");
        string imagesDir = Path.Combine(dir, "images");
        if (!System.IO.Directory.Exists(imagesDir))
            throw DataException.ForPath(dir, "no images/ folder (a folder dataset needs DIR/images/*.png|jpg)");

        var images = ListImages(imagesDir);
        if (images.Count == 0) throw DataException.ForPath(imagesDir, "no .png/.jpg/.jpeg/.bmp images in folder");

        string masksDir = Path.Combine(dir, "masks");
        HasMasks = System.IO.Directory.Exists(masksDir);
        string? MaskFor(string stem)
        {
            if (!HasMasks) return null;
            string p = Path.Combine(masksDir, stem + ".png");
            return File.Exists(p) ? p : null;
        }

        var sources = new List<FileItemSource>();
        if (!useBoxes)
        {
            foreach (var (stem, path) in images) sources.Add(new FileItemSource(stem, path, MaskFor(stem), null));
        }
        else
        {
            string boxesPath = Path.Combine(dir, "boxes.csv");
            if (!File.Exists(boxesPath)) throw DataException.ForPath(boxesPath, "file not found (box mode needs boxes.csv)");
            var byStem = images.ToDictionary(p => p.Stem, p => p.Path, StringComparer.Ordinal);
            var boxesByStem = new Dictionary<string, List<BoxSpec>>(StringComparer.Ordinal);
            foreach (var entry in BoxesCsv.Read(boxesPath))
            {
                if (!byStem.ContainsKey(entry.Stem))
                    throw DataException.ForLine(boxesPath, entry.LineNumber, $"unknown image stem '{entry.Stem}' (no such file in {imagesDir})");
                if (!boxesByStem.TryGetValue(entry.Stem, out var list)) boxesByStem[entry.Stem] = list = [];
                list.Add(entry.Box);
            }
            foreach (var (stem, path) in images)
            {
                if (!boxesByStem.TryGetValue(stem, out var boxes)) { ImagesWithoutBox++; continue; }
                for (int k = 0; k < boxes.Count; k++)
                    sources.Add(new FileItemSource(k == 0 ? stem : SceneNames.BoxItem(stem, k), path, MaskFor(stem), boxes[k]));
            }
            if (sources.Count == 0) throw DataException.ForPath(boxesPath, "no boxes (box mode needs at least one stem,x,y,w,h line)");
        }

        Directory = dir;
        UsesBoxes = useBoxes;
        Store = new PreparedItemStore(sources, size, progress);
    }

    /// <summary>(stem, path) of every image, sorted by file name; two files sharing a stem are an error.</summary>
    internal static List<(string Stem, string Path)> ListImages(string imagesDir)
    {
        var files = System.IO.Directory.EnumerateFiles(imagesDir)
            .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal)
            .ToList();
        var result = new List<(string, string)>(files.Count);
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var f in files)
        {
            string stem = Path.GetFileNameWithoutExtension(f);
            if (seen.TryGetValue(stem, out var other))
                throw DataException.ForPath(imagesDir, $"two images share the stem '{stem}' ({Path.GetFileName(other)}, {Path.GetFileName(f)}), so masks and boxes would be ambiguous");
            seen[stem] = f;
            result.Add((stem, f));
        }
        return result;
    }

    /// <summary>Path of the image file behind item <paramref name="index"/>.</summary>
    public string ImagePath(int index) => Store.Sources[index].ImagePath;
}
