using System.Globalization;

namespace KernelGan.Gan.Data;

/// <summary>
/// CUB-200-2011 read in its published layout, no conversion step:
/// <code>
/// ROOT/images.txt             "id relative/path.jpg"
/// ROOT/bounding_boxes.txt     "id x y w h" (floats, pixels)
/// ROOT/train_test_split.txt   "id is_training" (1 = train, 0 = test)
/// ROOT/images/...             the photos
/// ROOT/segmentations/...      optional soft masks, same relative path with .png; foreground > 127
/// </code>
/// Each item is the square of 1.5 x the box's longer side centred on the box (edge-replicated
/// outside the photo), resized to Size. Images are decoded once, in parallel, at construction.
/// Masks are exposed for the test split only when <c>exposeTrainMasks</c> is false (the default),
/// so an unsupervised training run cannot read labels by accident.
/// </summary>
public sealed class CubDataset : PreparedItemDataset
{
    public string Root { get; }
    public DataSplit Split { get; }

    /// <summary>True when ROOT/segmentations exists.</summary>
    public bool HasSegmentations { get; }

    /// <summary>True when <paramref name="dir"/> looks like a CUB root (has images.txt).</summary>
    public static bool IsCubRoot(string dir) => File.Exists(Path.Combine(dir, "images.txt"));

    public CubDataset(string root, int size, DataSplit split, bool exposeTrainMasks = false, IProgress<int>? progress = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        if (!Directory.Exists(root)) throw DataException.ForPath(root, "CUB root directory not found");
        string imagesTxt = Path.Combine(root, "images.txt");
        string boxesTxt = Path.Combine(root, "bounding_boxes.txt");
        string splitTxt = Path.Combine(root, "train_test_split.txt");

        var paths = ReadTable(imagesTxt, 1, fields => fields[0]);
        var boxes = ReadTable(boxesTxt, 4, fields =>
        {
            var v = fields.Select(ParseNumber).ToArray();
            return v.Any(x => x is null) || !(v[2] > 0) || !(v[3] > 0) ? (double[]?)null : v.Select(x => x!.Value).ToArray();
        });
        var isTrain = ReadTable(splitTxt, 1, fields => fields[0] switch { "1" => (bool?)true, "0" => false, _ => null });

        string segDir = Path.Combine(root, "segmentations");
        HasSegmentations = Directory.Exists(segDir);
        bool exposeMasks = HasSegmentations && (split == DataSplit.Test || exposeTrainMasks);

        var sources = new List<FileItemSource>();
        foreach (var (id, relative) in paths.OrderBy(p => p.Key))
        {
            if (!isTrain.TryGetValue(id, out var train)) throw DataException.ForPath(splitTxt, $"no line for image id {id} ({relative})");
            if (train != (split == DataSplit.Train)) continue;
            if (!boxes.TryGetValue(id, out var box)) throw DataException.ForPath(boxesTxt, $"no box for image id {id} ({relative})");
            string imagePath = Path.Combine(root, "images", relative);
            string? maskPath = exposeMasks ? Path.Combine(segDir, Path.ChangeExtension(relative, ".png")) : null;
            string name = Path.ChangeExtension(relative, null).Replace('\\', '/');
            sources.Add(new FileItemSource(name, imagePath, maskPath,
                new BoxSpec(box[0], box[1], box[2], box[3], $"{boxesTxt} (image id {id})")));
        }
        if (sources.Count == 0) throw DataException.ForPath(splitTxt, $"no images in the {split.Name()} split");

        Root = root;
        Split = split;
        Store = new PreparedItemStore(sources, size, progress);
    }

    /// <summary>
    /// Reads an "id value..." table into id -> parsed value. <paramref name="parse"/> returns null for
    /// malformed values, which (like a wrong field count or a repeated id) is reported with the line number.
    /// </summary>
    private static Dictionary<int, T> ReadTable<T>(string path, int valueCount, Func<string[], T?> parse)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw DataException.ForPath(path, "file not found (not a complete CUB-200-2011 root?)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw DataException.ForPath(path, $"cannot read file ({e.Message.Trim()})");
        }
        var table = new Dictionary<int, T>();
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0) continue;
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != valueCount + 1)
                throw DataException.ForLine(path, i + 1, $"expected an id and {valueCount} value(s), found {fields.Length} field(s)");
            if (!int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out int id))
                throw DataException.ForLine(path, i + 1, $"image id '{fields[0]}' is not a number");
            var value = parse(fields[1..]);
            if (value is null) throw DataException.ForLine(path, i + 1, $"malformed value(s) '{string.Join(' ', fields[1..])}'");
            if (!table.TryAdd(id, value)) throw DataException.ForLine(path, i + 1, $"image id {id} appears twice");
        }
        return table;
    }

    private static double? ParseNumber(string s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null;
}
