using KernelGan.Gan.Data;

namespace KernelGan.Gan.Segmentation;

/// <summary>
/// Writes the segmenter's masks for a dataset as PNGs named after each item, at the full image's
/// size when the dataset knows it (folder, CUB and box crops are pasted back into the full image).
/// </summary>
public static class MaskWriter
{
    public static int Write(MaskPredictor predictor, IImageDataset data, string outDir, float threshold = 0.5f)
    {
        Directory.CreateDirectory(outDir);
        const int chunk = 64;
        var written = new Dictionary<string, HostImage>();
        for (int start = 0; start < data.Count; start += chunk)
        {
            int n = Math.Min(chunk, data.Count - start);
            var predictions = predictor.Predict(Enumerable.Range(start, n).Select(data.Image).ToList());
            for (int i = 0; i < n; i++)
            {
                int index = start + i;
                var mask = predictions[i];
                string name = SafeName(data.Name(index));
                if (data is IFullImageDataset full)
                {
                    // Box crops are named "image#k"; all boxes of an image share its mask file.
                    name = SafeName(SceneNames.SceneOf(data.Name(index)));
                    var (w, h) = full.FullSize(index);
                    mask = BoxBound.PasteCropMask(full, index, mask, h, w);
                    // Several boxes in one image: their masks are united in one file.
                    if (written.TryGetValue(name, out var earlier))
                        for (int p = 0; p < mask.Data.Length; p++) mask.Data[p] = Math.Max(mask.Data[p], earlier.Data[p]);
                    written[name] = mask;
                }
                ImageIo.SavePng(Path.Combine(outDir, name + ".png"), ImageOps.Threshold(mask, threshold));
            }
        }
        return written.Count > 0 ? written.Count : data.Count;
    }

    /// <summary>An item name as a file stem: relative paths (CUB) become flat names.</summary>
    private static string SafeName(string name)
    {
        string stem = Path.ChangeExtension(name, null) ?? name;
        foreach (char c in Path.GetInvalidFileNameChars().Append('/').Append('\\')) stem = stem.Replace(c, '_');
        return stem;
    }
}
