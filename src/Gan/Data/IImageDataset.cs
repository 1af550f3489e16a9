namespace KernelGan.Gan.Data;

/// <summary>
/// A finite, indexable set of square training images, already cropped and resized to
/// <see cref="Size"/> x <see cref="Size"/>. Implementations are safe to read from several threads
/// (the batch loader prefetches on a worker).
/// </summary>
public interface IImageDataset
{
    int Count { get; }

    /// <summary>Side length in pixels of every image and mask returned.</summary>
    int Size { get; }

    /// <summary>Item <paramref name="index"/> as a 3 x Size x Size image in [0, 1].</summary>
    HostImage Image(int index);

    /// <summary>Its 1 x Size x Size binary mask, or null when the dataset (or split) has none.</summary>
    HostImage? Mask(int index);

    /// <summary>A stable human-readable identifier (file stem, relative path, "synthetic-test-00042").</summary>
    string Name(int index);
}

/// <summary>
/// A dataset whose items are crops of larger images. Evaluation predicts a mask on item i, pastes it
/// back with <see cref="ImageOps.PasteCropMask"/> using <see cref="Window"/>, and compares it with
/// <see cref="FullMask"/> at the original resolution.
/// </summary>
public interface IFullImageDataset : IImageDataset
{
    /// <summary>Where item i was cut from its full image (before resizing to Size).</summary>
    CropWindow Window(int index);

    /// <summary>Size of item i's full image.</summary>
    (int Width, int Height) FullSize(int index);

    /// <summary>The box the crop was built around, or null for centre-cropped items.</summary>
    BoxAnnotation? Box(int index);

    /// <summary>The full, uncropped image (decoded or rendered on demand, not cached).</summary>
    HostImage FullImage(int index);

    /// <summary>The full-size ground-truth mask, or null when there is none.</summary>
    HostImage? FullMask(int index);
}
