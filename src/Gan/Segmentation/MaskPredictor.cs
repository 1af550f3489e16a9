using System.Text.Json.Nodes;
using KernelGan.Gan.Data;
using KernelGan.Gan.Training;
using KernelGan.Kernels;

namespace KernelGan.Gan.Segmentation;

/// <summary>
/// Applies a trained U-Net: images of any size are resized to the training size, segmented,
/// and the foreground probability is resized back to the input's size.
/// Disposing it releases the U-Net's tensors (the backend belongs to the caller).
/// </summary>
public sealed class MaskPredictor(UNet unet, int imageSize, IBackend backend) : IDisposable
{
    public int ImageSize { get; } = imageSize;

    /// <summary>The U-Net itself (for export; <see cref="PredictBatch"/> switches it to evaluation mode and back around each call).</summary>
    public UNet Network => unet;

    /// <summary>
    /// Writes RUN/segmenter.kgc: the U-Net's tensors and what <see cref="Load"/> needs to rebuild it.
    /// The trainer and the tests that need a segmenter without training one both write it here, so
    /// the format has one writer beside its one reader.
    /// </summary>
    public static void Save(string path, UNet unet, int imageSize, JsonObject? extra = null)
    {
        var meta = new JsonObject { ["kind"] = "segmenter", ["image_size"] = imageSize, ["width"] = unet.Width, ["depth"] = unet.Depth };
        foreach (var (key, value) in extra ?? []) meta[key] = value?.DeepClone();
        Checkpoint.Save(path, meta, unet.StateTensors());
    }

    /// <summary>Loads RUN/segmenter.kgc.</summary>
    public static MaskPredictor Load(string path, IBackend backend)
    {
        var ckpt = Checkpoint.Load(path);
        if (ckpt.Metadata["kind"]?.GetValue<string>() != "segmenter")
            throw new CheckpointException($"{path}: not a segmenter checkpoint");
        int size = ckpt.Metadata["image_size"]!.GetValue<int>();
        int width = ckpt.Metadata["width"]!.GetValue<int>();
        int depth = ckpt.Metadata["depth"]!.GetValue<int>();
        var unet = new UNet(backend, new Rng(0), 3, width, depth);
        ckpt.RestoreInto(unet.StateTensors(), "segmenter");
        return new MaskPredictor(unet, size, backend);
    }

    /// <summary>
    /// Foreground probabilities [n, S, S] for n images [n, 3, S, S] in [-1, 1]: the mean of the
    /// U-Net's answer on each image and on its mirror image (mirrored back). The U-Net was trained
    /// on both orientations, so the two answers differ only in their noise at the edges, and the
    /// mean is steadier (measured in docs/ilsgan-experiments.md). Both halves run as one batch.
    /// </summary>
    public float[] PredictBatch(ReadOnlySpan<float> images, int n)
    {
        int plane = ImageSize * ImageSize, imageLength = 3 * plane;
        var both = new float[2 * n * imageLength];
        images[..(n * imageLength)].CopyTo(both);
        var mirrored = both.AsSpan(n * imageLength);
        images[..(n * imageLength)].CopyTo(mirrored);
        ImageOps.FlipHorizontalInPlace(mirrored, 3 * n, ImageSize, ImageSize);

        float[] probs;
        using (new TensorScope())
        using (Tensor.NoGrad())
        {
            unet.Eval();
            var x = Tensor.FromArray(both, [2 * n, 3, ImageSize, ImageSize], backend);
            probs = Ops.Sigmoid(unet.Forward(x)).ToArray();
            unet.Train();
        }
        var result = probs.AsSpan(0, n * plane).ToArray();
        var fromMirror = probs.AsSpan(n * plane, n * plane);
        ImageOps.FlipHorizontalInPlace(fromMirror, n, ImageSize, ImageSize);
        for (int i = 0; i < result.Length; i++) result[i] = 0.5f * (result[i] + fromMirror[i]);
        return result;
    }

    /// <summary>The foreground probability of each image, at that image's own size.</summary>
    public List<HostImage> Predict(IReadOnlyList<HostImage> images, int batch = 32)
    {
        var result = new List<HostImage>(images.Count);
        int plane = ImageSize * ImageSize;
        var buffer = new float[batch * 3 * plane];
        for (int start = 0; start < images.Count; start += batch)
        {
            int n = Math.Min(batch, images.Count - start);
            for (int i = 0; i < n; i++)
            {
                var img = images[start + i];
                var resized = img.Height == ImageSize && img.Width == ImageSize ? img : ImageOps.Resize(img, ImageSize, ImageSize);
                resized.ToMinusOneOne(buffer.AsSpan(i * 3 * plane, 3 * plane));
            }
            var probs = PredictBatch(buffer, n);
            for (int i = 0; i < n; i++)
            {
                var mask = HostImage.MaskFrom(probs.AsSpan(i * plane, plane), ImageSize, ImageSize);
                var img = images[start + i];
                result.Add(img.Height == ImageSize && img.Width == ImageSize ? mask : ImageOps.Resize(mask, img.Height, img.Width));
            }
        }
        return result;
    }

    /// <summary>
    /// The foreground probability of the 1.5x square crop around each box (edges replicated
    /// outside the image), pasted back at the image's size, zero outside the box (<see cref="BoxBound"/>);
    /// where boxes overlap, the larger probability wins. For images annotated with boxes, as the
    /// box-level prior was trained on.
    /// </summary>
    /// <param name="refine">When given, each box's mask is refined on the scene at its own resolution, the box as a bound (<see cref="BoxRefinement"/>).</param>
    public HostImage PredictInBoxes(HostImage image, IEnumerable<BoxSpec> boxes, Classical.GrabCut.RefineOptions? refine = null)
    {
        var full = new HostImage(1, image.Height, image.Width);
        foreach (var box in boxes)
        {
            var window = CropWindow.AroundBox(box.X, box.Y, box.Width, box.Height);
            var crop = ImageOps.Crop(image, window, OutsideFill.EdgeReplicate);
            var mask = Predict([crop])[0];
            HostImage pasted;
            if (refine is not null) pasted = BoxRefinement.Refine(image, box, mask, refine); // bounded by the box itself
            else
            {
                pasted = ImageOps.PasteCropMask(mask, window, image.Height, image.Width, binarize: false);
                BoxBound.ZeroOutside(pasted, box.X, box.Y, box.Width, box.Height);
            }
            for (int p = 0; p < full.Data.Length; p++) full.Data[p] = Math.Max(full.Data[p], pasted.Data[p]);
        }
        return full;
    }

    public void Dispose()
    {
        foreach (var (_, tensor) in unet.StateTensors()) tensor.Dispose();
    }
}
