using KernelGan.Gan.Data;

namespace KernelGan.Gan.Hoc;

/// <summary>The one image of an HOC run, with its true instances when they are known (the synthetic scene).</summary>
public sealed record HocImage(HostImage Image, string Description, int[]? TrueInstances, int TrueCount)
{
    /// <summary>A PNG/JPEG file, or <see cref="HocConfig.SyntheticImage"/> (the built-in scene of 15-30 copies, with exact instance masks).</summary>
    /// <param name="truth">For a file: a folder of its true instances, one binary mask PNG per instance at the image's size (as the devset's hoc/instances/), or null.</param>
    public static HocImage Load(string spec, long syntheticSeed, string? truth = null)
    {
        if (spec.Equals(HocConfig.SyntheticImage, StringComparison.OrdinalIgnoreCase))
        {
            if (truth is not null) throw new DataException($"--truth {truth}: the built-in scene ({HocConfig.SyntheticImage}) brings its own instances");
            var scene = SyntheticDataset.Hoc(32, syntheticSeed);
            return new HocImage(scene.Image, $"synthetic HOC scene (seed {syntheticSeed}, {scene.InstanceCount} instances)", scene.InstanceMap, scene.InstanceCount);
        }
        if (Directory.Exists(spec)) throw DataException.ForPath(spec, "is a folder; --image takes one image file (or synthetic-hoc)");
        if (!File.Exists(spec)) throw DataException.ForPath(spec, "no such image file");
        var image = ImageIo.LoadRgb(spec);
        if (truth is null) return new HocImage(image, spec, null, 0);
        var (map, count) = LoadInstances(truth, image.Width, image.Height);
        return new HocImage(image, $"{spec} ({count} true instances in {truth})", map, count);
    }

    /// <summary>Instance map of a folder of per-instance masks: pixel p holds the (1-based) index of the file covering it, in name order; 0 = none.</summary>
    public static (int[] Map, int Count) LoadInstances(string folder, int width, int height)
    {
        if (!Directory.Exists(folder)) throw DataException.ForPath(folder, "no such folder of instance masks");
        var files = Directory.GetFiles(folder, "*.png").OrderBy(f => f, StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw DataException.ForPath(folder, "holds no .png instance masks");
        var map = new int[width * height];
        for (int k = 0; k < files.Count; k++)
        {
            var mask = ImageIo.LoadMask(files[k]);
            if (mask.Width != width || mask.Height != height)
                throw DataException.ForPath(files[k], $"is {mask.Width}x{mask.Height}, but the image is {width}x{height}");
            for (int p = 0; p < map.Length; p++) if (mask.Data[p] >= 0.5f) map[p] = k + 1;
        }
        return (map, files.Count);
    }

    /// <summary>The image resized so that its longer side is <paramref name="workSize"/> pixels.</summary>
    public HostImage AtWorkingScale(int workSize, int cropSize)
    {
        double scale = (double)workSize / Math.Max(Image.Width, Image.Height);
        int w = Math.Max(1, (int)Math.Round(Image.Width * scale)), h = Math.Max(1, (int)Math.Round(Image.Height * scale));
        if (w < cropSize || h < cropSize)
            throw new DataException($"{Description}: {Image.Width}x{Image.Height} becomes {w}x{h} at the working scale, smaller than one {cropSize}-pixel crop (the image is too elongated; raise --work-size)");
        return w == Image.Width && h == Image.Height ? Image : ImageOps.Resize(Image, h, w);
    }
}
