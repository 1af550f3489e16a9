using System.Globalization;

namespace KernelGan.Gan.Data;

/// <summary>
/// Reader for a folder dataset's <c>boxes.csv</c>: one <c>stem,x,y,w,h</c> line per object box, in
/// pixels of the original image (x, y = top-left corner; decimals allowed). The first line may be
/// a header (recognised because its coordinates are not numbers); blank lines and lines starting
/// with '#' are ignored. An image may have several lines, one per object.
/// </summary>
public static class BoxesCsv
{
    public readonly record struct Entry(string Stem, BoxSpec Box, int LineNumber);

    public static List<Entry> Read(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw DataException.ForPath(path, $"cannot read file ({e.Message.Trim()})");
        }

        var entries = new List<Entry>();
        bool seenContent = false;
        for (int i = 0; i < lines.Length; i++)
        {
            int lineNumber = i + 1;
            string line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var fields = line.Split(',').Select(f => f.Trim()).ToArray();
            bool firstContent = !seenContent;
            seenContent = true;
            if (fields.Length != 5)
            {
                if (firstContent && fields.Length > 0 && !fields.Skip(1).Any(IsNumber)) continue; // header
                throw DataException.ForLine(path, lineNumber, $"expected 5 fields stem,x,y,w,h but found {fields.Length}: '{Shorten(line)}'");
            }
            var numbers = new double[4];
            bool allNumbers = true;
            for (int k = 0; k < 4; k++) allNumbers &= TryParse(fields[k + 1], out numbers[k]);
            if (!allNumbers)
            {
                if (firstContent && !fields.Skip(1).Any(IsNumber)) continue; // header such as "stem,x,y,w,h"
                throw DataException.ForLine(path, lineNumber, $"x,y,w,h must be numbers: '{Shorten(line)}'");
            }
            if (fields[0].Length == 0) throw DataException.ForLine(path, lineNumber, "empty image stem");
            if (!(numbers[2] > 0) || !(numbers[3] > 0))
                throw DataException.ForLine(path, lineNumber, $"box width and height must be positive: '{Shorten(line)}'");
            entries.Add(new Entry(fields[0], new BoxSpec(numbers[0], numbers[1], numbers[2], numbers[3], $"{path} line {lineNumber}"), lineNumber));
        }
        return entries;
    }

    /// <summary>The boxes of each image stem, in file order.</summary>
    public static Dictionary<string, List<BoxSpec>> ReadByStem(string path)
    {
        if (!File.Exists(path)) throw DataException.ForPath(path, "no such boxes file");
        var result = new Dictionary<string, List<BoxSpec>>(StringComparer.Ordinal);
        foreach (var e in Read(path))
        {
            if (!result.TryGetValue(e.Stem, out var list)) result[e.Stem] = list = new List<BoxSpec>();
            list.Add(e.Box);
        }
        return result;
    }

    private static bool IsNumber(string s) => TryParse(s, out _);

    private static bool TryParse(string s, out double value) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    private static string Shorten(string line) => line.Length <= 80 ? line : line[..77] + "...";
}
