namespace KernelGan.Gan.Data;

/// <summary>
/// Images and masks held in memory, all of one square size: pairs built in the program (pseudo-labels
/// for self-training, test fixtures) that a trainer reads like any dataset.
/// </summary>
public sealed class LabelledImages : IImageDataset
{
    private readonly HostImage[] _images, _masks;
    private readonly string[] _names;

    public LabelledImages(IReadOnlyList<HostImage> images, IReadOnlyList<HostImage> masks, IReadOnlyList<string> names)
    {
        if (images.Count == 0) throw new ArgumentException("no images", nameof(images));
        if (masks.Count != images.Count || names.Count != images.Count)
            throw new ArgumentException($"{images.Count} images, {masks.Count} masks and {names.Count} names: one of each per item");
        Size = images[0].Width;
        for (int i = 0; i < images.Count; i++)
        {
            if (images[i] is not { Channels: 3 } im || im.Width != Size || im.Height != Size || masks[i] is not { Channels: 1 } m || m.Width != Size || m.Height != Size)
                throw new ArgumentException($"item {i} ({names[i]}): expected a 3x{Size}x{Size} image and a 1x{Size}x{Size} mask");
        }
        _images = [.. images];
        _masks = [.. masks];
        _names = [.. names];
    }

    public int Count => _images.Length;
    public int Size { get; }
    public HostImage Image(int index) => _images[index];
    public HostImage? Mask(int index) => _masks[index];
    public string Name(int index) => _names[index];
}
