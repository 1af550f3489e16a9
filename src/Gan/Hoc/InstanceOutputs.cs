using System.Globalization;
using System.Text;
using KernelGan.Gan.Data;
using KernelGan.Gan.Reporting;

namespace KernelGan.Gan.Hoc;

/// <summary>
/// Writes what `kernelgan hoc` promises: RUN/instances/NN.png (one binary mask per instance at the
/// image's size), RUN/overlay.png (instances tinted, outlined and numbered over the image) and
/// RUN/instances.csv (id, area, box).
/// </summary>
public static class InstanceOutputs
{
    public static void Write(string runDir, HostImage image, InstanceLabels labels)
    {
        string dir = Path.Combine(runDir, "instances");
        if (Directory.Exists(dir))
            foreach (var old in Directory.GetFiles(dir, "*.png")) File.Delete(old); // a rerun must not leave stale instances
        Directory.CreateDirectory(dir);
        int digits = Math.Max(2, labels.Count.ToString(CultureInfo.InvariantCulture).Length);
        var instances = labels.Describe();
        foreach (var inst in instances)
        {
            var mask = new HostImage(1, labels.Height, labels.Width);
            for (int p = 0; p < labels.Labels.Length; p++) if (labels.Labels[p] == inst.Id) mask.Data[p] = 1f;
            ImageIo.SavePng(Path.Combine(dir, inst.Id.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0') + ".png"), mask);
        }
        ImageIo.SavePng(Path.Combine(runDir, "overlay.png"), Overlay(image, labels));
        var csv = new StringBuilder("id,area,x,y,w,h\n");
        foreach (var i in instances) csv.Append(CultureInfo.InvariantCulture, $"{i.Id},{i.Area},{i.X},{i.Y},{i.BoxWidth},{i.BoxHeight}\n");
        AtomicFile.WriteAllBytes(Path.Combine(runDir, "instances.csv"), Encoding.UTF8.GetBytes(csv.ToString()));
    }

    /// <summary>
    /// The image with each instance tinted and outlined in its own colour and numbered with its id
    /// (the id in instances.csv and instances/NN.png) at its centroid, on a plate of that colour.
    /// </summary>
    public static HostImage Overlay(HostImage image, InstanceLabels labels)
    {
        if (image.Width != labels.Width || image.Height != labels.Height)
            throw new ArgumentException("overlay: image and labels differ in size");
        var result = MaskOverlay.Labels(image, labels.Labels, MaskOverlay.Distinct);
        // Digits 5 px tall are legible up to ~256 px images; larger images get larger digits.
        int scale = Math.Max(1, Math.Max(labels.Width, labels.Height) / 256);
        foreach (var (id, cx, cy) in Centroids(labels))
            BitmapDigits.DrawNumber(result, id, cx, cy, MaskOverlay.Distinct(id), scale);
        return result;
    }

    /// <summary>Each instance's id and the rounded mean of its pixels' coordinates.</summary>
    public static List<(int Id, int X, int Y)> Centroids(InstanceLabels labels)
    {
        var sums = new Dictionary<int, (long X, long Y, long N)>();
        for (int p = 0; p < labels.Labels.Length; p++)
        {
            int id = labels.Labels[p];
            if (id == 0) continue;
            var (x, y, n) = sums.GetValueOrDefault(id);
            sums[id] = (x + p % labels.Width, y + p / labels.Width, n + 1);
        }
        return sums.OrderBy(kv => kv.Key)
            .Select(kv => (kv.Key, (int)Math.Round((double)kv.Value.X / kv.Value.N), (int)Math.Round((double)kv.Value.Y / kv.Value.N))).ToList();
    }
}
