namespace KernelGan.Gan.Data;

/// <summary>
/// A dataset on disk whose items were cropped, resized and decoded up front into a
/// <see cref="PreparedItemStore"/> (folders, CUB-200-2011): the store answers every item query;
/// the subclasses only decide which files make the items.
/// </summary>
public abstract class PreparedItemDataset : IFullImageDataset
{
    /// <summary>Set once by the subclass's constructor, after it has listed the items' sources.</summary>
    private protected PreparedItemStore Store { get; init; } = null!;

    public int Count => Store.Count;
    public int Size => Store.Size;
    public HostImage Image(int index) => Store.Image(index);
    public HostImage? Mask(int index) => Store.Mask(index);
    public string Name(int index) => Store.Sources[index].Name;
    public CropWindow Window(int index) => Store.Window(index);
    public (int Width, int Height) FullSize(int index) => Store.FullSize(index);
    public BoxAnnotation? Box(int index) => Store.Box(index);
    public HostImage FullImage(int index) => Store.FullImage(index);
    public HostImage? FullMask(int index) => Store.FullMask(index);
}
