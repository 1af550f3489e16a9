using System.Globalization;
using System.Text;
using KernelGan.Gan.Data;

namespace KernelGan.Gan.Hoc;

/// <summary>
/// Writes what `kernelgan hoc` promises: RUN/instances/NN.png (one binary mask per instance at the
/// image's size), RUN/overlay.png (instances coloured over the image, outlined) and
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

    /// <summary>The image with each instance tinted in its own colour (golden-angle hues) and outlined.</summary>
    public static HostImage Overlay(HostImage image, InstanceLabels labels)
    {
        if (image.Width != labels.Width || image.Height != labels.Height)
            throw new ArgumentException("overlay: image and labels differ in size");
        var result = image.Clone();
        int w = labels.Width, h = labels.Height, plane = w * h;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int p = y * w + x, id = labels.Labels[p];
                if (id == 0) continue;
                var colour = Colour(id);
                bool edge = x == 0 || y == 0 || x == w - 1 || y == h - 1
                    || labels.Labels[p - 1] != id || labels.Labels[p + 1] != id || labels.Labels[p - w] != id || labels.Labels[p + w] != id;
                float alpha = edge ? 1f : 0.45f;
                for (int c = 0; c < 3; c++)
                    result.Data[c * plane + p] = (1f - alpha) * image.Data[c * plane + p] + alpha * colour[c];
            }
        return result;
    }

    private static float[] Colour(int id)
    {
        double hue = (id * 137.508) % 360 / 60.0;
        double f = hue - Math.Floor(hue);
        double q = 1 - f;
        (double r, double g, double b) = ((int)hue) switch
        {
            0 => (1.0, f, 0.0), 1 => (q, 1.0, 0.0), 2 => (0.0, 1.0, f), 3 => (0.0, q, 1.0), 4 => (f, 0.0, 1.0), _ => (1.0, 0.0, q),
        };
        return [(float)r, (float)g, (float)b];
    }
}
