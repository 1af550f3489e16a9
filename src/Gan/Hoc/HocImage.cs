using KernelGan.Gan.Data;

namespace KernelGan.Gan.Hoc;

/// <summary>The one image of an HOC run, with its true instances when they are known (the synthetic scene).</summary>
public sealed record HocImage(HostImage Image, string Description, int[]? TrueInstances, int TrueCount)
{
    /// <summary>A PNG/JPEG file, or <see cref="HocConfig.SyntheticImage"/> (the built-in scene of 15-30 copies, with exact instance masks).</summary>
    public static HocImage Load(string spec, long syntheticSeed)
    {
        if (spec.Equals(HocConfig.SyntheticImage, StringComparison.OrdinalIgnoreCase))
        {
            var scene = SyntheticDataset.Hoc(32, syntheticSeed);
            return new HocImage(scene.Image, $"synthetic HOC scene (seed {syntheticSeed}, {scene.InstanceCount} instances)", scene.InstanceMap, scene.InstanceCount);
        }
        if (Directory.Exists(spec)) throw DataException.ForPath(spec, "is a folder; --image takes one image file (or synthetic-hoc)");
        if (!File.Exists(spec)) throw DataException.ForPath(spec, "no such image file");
        return new HocImage(ImageIo.LoadRgb(spec), spec, null, 0);
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
