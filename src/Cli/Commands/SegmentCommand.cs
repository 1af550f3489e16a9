using KernelGan.Gan.Data;
using KernelGan.Segmentation;

namespace KernelGan.Cli.Commands;

/// <summary>`kernelgan segment`: one PNG mask per input image, at the image's own size.</summary>
public sealed class SegmentCommand : ICommand
{
    public string Name => "segment";
    public string Summary => "write a foreground mask PNG for every image in a folder";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("run", "run directory written by kernelgan train", null, ValueName: "RUN"),
        new("images", "folder of .png/.jpg images", null, ValueName: "DIR"),
        new("out", "folder for the masks (created; same file stems, .png)", null, ValueName: "MASKS"),
        new("boxes", "boxes.csv (stem,x,y,w,h): segment a 1.5x crop around each box and paste the mask back", null, ValueName: "FILE"),
        new("threshold", "foreground probability threshold", "0.5", ValueName: "P"),
        new("refine", "refine each mask on its image (GrabCut seeded by the U-Net's probabilities; with --boxes, on each box's crop at the image's resolution, the box as a bound)", IsFlag: true),
        DeviceOption.Spec(),
    ];

    public int Run(CliArguments args)
    {
        string run = args.Required("run"), imagesDir = args.Required("images"), outDir = args.Required("out");
        float threshold = (float)args.Double("threshold", 0, 1);
        if (!Directory.Exists(imagesDir)) throw new DataException($"{imagesDir}: no such folder");
        var files = Directory.GetFiles(imagesDir).Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant())).OrderBy(f => f, StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new DataException($"{imagesDir}: no .png/.jpg images");
        var boxes = args.Has("boxes") ? BoxesCsv.ReadByStem(args.Required("boxes")) : null;
        // The library facade does the segmenting, so the command and C# callers get the same masks.
        using var segmenter = Segmenter.Load(run, args.Required("device"));
        segmenter.RefineOnImage = args.Flag("refine");
        Directory.CreateDirectory(outDir);
        Console.WriteLine($"segment: {files.Count} images from {imagesDir} -> {outDir} on {segmenter.DeviceName}");
        int done = 0;
        foreach (var chunk in files.Chunk(32))
        {
            var masks = boxes is null ? segmenter.Segment(chunk) : chunk.Select(f => segmenter.SegmentInBoxes(f, BoxesOf(f, boxes))).ToList();
            for (int i = 0; i < chunk.Length; i++)
                masks[i].SavePng(Path.Combine(outDir, Path.GetFileNameWithoutExtension(chunk[i]) + ".png"), threshold);
            done += chunk.Length;
            Console.WriteLine($"  {done}/{files.Count}");
        }
        Console.WriteLine($"wrote {done} masks to {outDir}");
        return 0;
    }

    private static readonly HashSet<string> ImageExtensions = [".png", ".jpg", ".jpeg"];

    private static List<BoxSpec> BoxesOf(string file, IReadOnlyDictionary<string, List<BoxSpec>> boxes)
    {
        string stem = Path.GetFileNameWithoutExtension(file);
        return boxes.TryGetValue(stem, out var list) ? list : throw new DataException($"{file}: no box for '{stem}' in the boxes file");
    }
}
