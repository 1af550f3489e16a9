using KernelGan.Gan.Data;
using KernelGan.Gan.Segmentation;
using KernelGan.Gan.Training;

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
        DeviceOption.Spec(),
    ];

    public int Run(CliArguments args)
    {
        var dir = new RunDirectory(args.Required("run"));
        if (!File.Exists(dir.Segmenter)) throw new CheckpointException($"{dir.Segmenter}: no segmenter in this run (did training finish?)");
        string imagesDir = args.Required("images"), outDir = args.Required("out");
        float threshold = (float)args.Double("threshold", 0, 1);
        if (!Directory.Exists(imagesDir)) throw new DataException($"{imagesDir}: no such folder");
        var files = Directory.GetFiles(imagesDir).Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant())).OrderBy(f => f, StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new DataException($"{imagesDir}: no .png/.jpg images");
        var boxes = args.Has("boxes") ? BoxesCsv.ReadByStem(args.Required("boxes")) : null;
        var backend = DeviceOption.Open(args);
        var predictor = MaskPredictor.Load(dir.Segmenter, backend);
        Directory.CreateDirectory(outDir);
        Console.WriteLine($"segment: {files.Count} images from {imagesDir} -> {outDir} on {backend.Name}");
        int done = 0;
        foreach (var chunk in files.Chunk(32))
        {
            var images = chunk.Select(ImageIo.LoadRgb).ToList();
            var masks = boxes is null ? predictor.Predict(images) : PredictInBoxes(predictor, chunk, images, boxes);
            for (int i = 0; i < chunk.Length; i++)
                ImageIo.SavePng(Path.Combine(outDir, Path.GetFileNameWithoutExtension(chunk[i]) + ".png"), ImageOps.Threshold(masks[i], threshold));
            done += chunk.Length;
            Console.WriteLine($"  {done}/{files.Count}");
        }
        Console.WriteLine($"wrote {done} masks to {outDir}");
        return 0;
    }

    private static readonly HashSet<string> ImageExtensions = [".png", ".jpg", ".jpeg"];

    /// <summary>Segments the crop around each of an image's boxes and unions the pasted-back masks.</summary>
    private static List<HostImage> PredictInBoxes(MaskPredictor predictor, string[] files, List<HostImage> images, IReadOnlyDictionary<string, List<BoxSpec>> boxes)
    {
        var result = new List<HostImage>();
        for (int i = 0; i < files.Length; i++)
        {
            var img = images[i];
            var full = new HostImage(1, img.Height, img.Width);
            string stem = Path.GetFileNameWithoutExtension(files[i]);
            if (!boxes.TryGetValue(stem, out var list))
                throw new DataException($"{files[i]}: no box for '{stem}' in the boxes file");
            foreach (var box in list)
            {
                var window = CropWindow.AroundBox(box.X, box.Y, box.Width, box.Height);
                var crop = ImageOps.Crop(img, window, OutsideFill.EdgeReplicate);
                var mask = predictor.Predict([crop])[0];
                var pasted = ImageOps.PasteCropMask(mask, window, img.Height, img.Width, binarize: false);
                for (int p = 0; p < full.Data.Length; p++) full.Data[p] = Math.Max(full.Data[p], pasted.Data[p]);
            }
            result.Add(full);
        }
        return result;
    }
}
