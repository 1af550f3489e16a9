using KernelGan.Gan.Data;
using KernelGan.Gan.Segmentation;
using KernelGan.Gan.Training;
using KernelGan.Kernels;

namespace KernelGan.Segmentation;

/// <summary>
/// A run's trained segmenter (RUN/segmenter.kgc, written by `kernelgan train`), for use from
/// C#. Images of any size are resized to the model's size, segmented together with their mirror
/// image (the two answers averaged), and the mask is resized back to the image's own size: the
/// same path `kernelgan segment` takes, which calls this class.
/// Not thread-safe: use one instance per thread. Dispose it to release the model (and a GPU).
/// </summary>
public sealed class Segmenter : IDisposable
{
    /// <summary>Images per forward pass when segmenting several files: bounds memory, keeps a GPU busy.</summary>
    private const int Batch = 32;

    private readonly MaskPredictor _predictor;
    private readonly IBackend _backend;
    private bool _disposed;

    private Segmenter(MaskPredictor predictor, IBackend backend)
    {
        _predictor = predictor;
        _backend = backend;
    }

    /// <summary>The square size, in pixels, the segmenter works at (images are resized to it and back).</summary>
    public int ModelSize => _predictor.ImageSize;

    /// <summary>The device the model runs on, e.g. <c>cpu (AVX-512)</c> or <c>cuda:0 (...)</c>.</summary>
    public string DeviceName => _backend.Name;

    /// <summary>
    /// When set, each mask is refined on its own image (GrabCut seeded by the U-Net's
    /// probabilities, at the image's resolution; see docs/real-photos.md) and comes back as 0/1.
    /// Sharper edges on photos, at a few milliseconds per 64 px image and more for large ones.
    /// </summary>
    public bool RefineOnImage { get; set; }

    /// <summary>
    /// Loads RUN/segmenter.kgc onto <paramref name="device"/> (<c>cpu</c>, <c>cuda</c>, <c>opencl</c>,
    /// <c>auto</c>). Throws <see cref="DirectoryNotFoundException"/> for a missing run,
    /// <see cref="FileNotFoundException"/> for a run without a segmenter,
    /// <see cref="CheckpointException"/> for a corrupt one and <see cref="DeviceException"/> for a
    /// device that is not there, each with a one-line message naming the path or device.
    /// </summary>
    public static Segmenter Load(string runDirectory, string device = "cpu")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(device);
        var run = new RunDirectory(runDirectory);
        if (!Directory.Exists(run.Root)) throw new DirectoryNotFoundException($"{run.Root}: no such run directory");
        if (!File.Exists(run.Segmenter)) throw new FileNotFoundException($"{run.Segmenter}: no segmenter in this run (did training finish?)", run.Segmenter);
        var backend = Device.Open(device);
        try
        {
            return new Segmenter(MaskPredictor.Load(run.Segmenter, backend), backend);
        }
        catch
        {
            ReleaseBackend(backend);
            throw;
        }
    }

    /// <summary>Segments a PNG/JPEG/BMP file. An unreadable file throws <see cref="DataException"/> naming it.</summary>
    public Mask Segment(string imagePath) => Segment([imagePath])[0];

    /// <summary>Segments several files, in batches; the masks come back in the same order.</summary>
    public IReadOnlyList<Mask> Segment(IReadOnlyList<string> imagePaths)
    {
        ArgumentNullException.ThrowIfNull(imagePaths);
        var masks = new List<Mask>(imagePaths.Count);
        foreach (var chunk in imagePaths.Chunk(Batch))
            masks.AddRange(Predict(chunk.Select(ImageIo.LoadRgb).ToList()).Select(m => new Mask(m)));
        return masks;
    }

    /// <summary>
    /// Segments an image given as interleaved 8-bit RGB (R, G, B for each pixel, rows top to
    /// bottom, no padding: <c>width * height * 3</c> bytes).
    /// </summary>
    public Mask Segment(ReadOnlySpan<byte> rgb, int width, int height)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"image size {width}x{height} must be positive");
        long expected = 3L * width * height;
        if (rgb.Length != expected)
            throw new ArgumentException($"rgb holds {rgb.Length} bytes, but a {width}x{height} interleaved RGB image has {expected}", nameof(rgb));
        return new Mask(Predict([FromInterleavedRgb(rgb, width, height)])[0]);
    }

    /// <summary>
    /// Segments the 1.5x square crop around each box (x, y, width, height in pixels) and pastes the
    /// masks back at the image's size (zero outside each box), as `kernelgan segment --boxes` does for box-level runs. With
    /// <see cref="RefineOnImage"/>, each box's mask is refined on the image at its own resolution,
    /// the box as a bound.
    /// </summary>
    public Mask SegmentInBoxes(string imagePath, IEnumerable<BoxSpec> boxes)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        var image = ImageIo.LoadRgb(imagePath);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new Mask(_predictor.PredictInBoxes(image, boxes, RefineOnImage ? KernelGan.Gan.Segmentation.BoxRefinement.DefaultOptions : null));
    }

    private List<HostImage> Predict(List<HostImage> images)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var probabilities = _predictor.Predict(images, Batch);
        return RefineOnImage ? [.. KernelGan.Gan.Segmentation.MaskRefiner.Refine(images, probabilities)] : probabilities;
    }

    /// <summary>Interleaved RGB bytes to the planar [0, 1] floats the model's input path takes.</summary>
    private static HostImage FromInterleavedRgb(ReadOnlySpan<byte> rgb, int width, int height)
    {
        var image = new HostImage(3, height, width);
        int plane = width * height;
        var dst = image.Data;
        const float inv = 1f / 255f;
        for (int i = 0; i < plane; i++)
        {
            dst[i] = rgb[3 * i] * inv;
            dst[plane + i] = rgb[3 * i + 1] * inv;
            dst[2 * plane + i] = rgb[3 * i + 2] * inv;
        }
        return image;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _predictor.Dispose();
        ReleaseBackend(_backend);
    }

    /// <summary>The CPU backend is one shared instance; a GPU backend was opened for this segmenter alone.</summary>
    private static void ReleaseBackend(IBackend backend)
    {
        if (!ReferenceEquals(backend, Device.Cpu)) backend.Dispose();
    }
}
