using KernelGan.Gan.Data;
using KernelGan.Gan.Segmentation;
using KernelGan.Gan.Training;
using KernelGan.Kernels;

namespace KernelGan.Gan.Hoc;

/// <summary>Foreground and instance-boundary probabilities of one image, at its own size.</summary>
public sealed record InstanceMaps(HostImage Foreground, HostImage Boundary);

/// <summary>
/// Applies the two-channel instance U-Net. It is fully convolutional, so a whole image at the
/// working scale goes through in one pass (padded by edge replication to a multiple of 8): no
/// tiles, no seams, although it was trained on canvas-sized composites.
/// </summary>
public sealed class InstancePredictor(UNet unet, IBackend backend)
{
    public const string Kind = "instance-segmenter";

    public static InstancePredictor Load(string path, IBackend backend)
    {
        var ckpt = Checkpoint.Load(path);
        if (ckpt.Metadata["kind"]?.GetValue<string>() != Kind)
            throw new CheckpointException($"{path}: not an instance-segmenter checkpoint");
        int width = ckpt.Metadata["width"]!.GetValue<int>();
        int depth = ckpt.Metadata["depth"]!.GetValue<int>();
        var unet = new UNet(backend, new Rng(0), 3, width, depth, outChannels: 2);
        ckpt.RestoreInto(unet.StateTensors(), "instance segmenter");
        return new InstancePredictor(unet, backend);
    }

    /// <summary>Probabilities [n, 2, h, w] (foreground, boundary) for n images [n, 3, h, w] in [-1, 1].</summary>
    public float[] PredictBatch(ReadOnlySpan<float> images, int n, int height, int width)
    {
        using var scope = new TensorScope();
        using var noGrad = Tensor.NoGrad();
        unet.Eval();
        try
        {
            var x = Tensor.FromArray(images[..(n * 3 * height * width)], [n, 3, height, width], backend);
            return Ops.Sigmoid(unet.Forward(x)).ToArray();
        }
        finally { unet.Train(); }
    }

    public InstanceMaps Predict(HostImage image)
    {
        int factor = 1 << unet.Depth;
        int h = (image.Height + factor - 1) / factor * factor, w = (image.Width + factor - 1) / factor * factor;
        var padded = new float[3 * h * w];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    padded[(c * h + y) * w + x] = 2f * image[c, Math.Min(y, image.Height - 1), Math.Min(x, image.Width - 1)] - 1f;
        var probs = PredictBatch(padded, 1, h, w);
        HostImage Plane(int channel)
        {
            var m = new HostImage(1, image.Height, image.Width);
            for (int y = 0; y < image.Height; y++)
                probs.AsSpan(channel * h * w + y * w, image.Width).CopyTo(m.Data.AsSpan(y * image.Width));
            return m;
        }
        return new InstanceMaps(Plane(0), Plane(1));
    }
}
