namespace KernelGan.Gan.Data;

/// <summary>
/// Keeps a procedural dataset's rendered images so that every epoch after the first copies them
/// instead of rendering again. Rendering is not cheap: at 32 px a batch of 32 creatures took 8.3 ms
/// of CPU, against 11.7 ms for the whole train step on the 2-core machine, and a 30000-step run
/// renders each of the 20000 training images about 50 times. Items are filled on first use from
/// any thread (an item rendered by two threads at once is written twice with the same values).
/// When the whole set would not fit the memory budget nothing is kept and every call renders.
/// </summary>
public sealed class RenderedImageCache
{
    /// <summary>1 GiB: the 20000 training images at 64 px (983 MB) fit, at 128 px they do not.</summary>
    public const long DefaultBudgetBytes = 1L << 30;

    private readonly float[]? _pixels;
    private readonly bool[]? _filled;
    private readonly int _channels, _height, _width, _itemLength;

    public RenderedImageCache(int count, int channels, int height, int width, long budgetBytes = DefaultBudgetBytes)
    {
        _channels = channels;
        _height = height;
        _width = width;
        _itemLength = channels * height * width;
        long bytes = (long)count * _itemLength * sizeof(float);
        if (bytes > budgetBytes || (long)count * _itemLength > Array.MaxLength) return;
        _pixels = new float[(long)count * _itemLength];
        _filled = new bool[count];
    }

    /// <summary>Whether images are kept (the set fits the budget).</summary>
    public bool Enabled => _pixels is not null;

    /// <summary>Item <paramref name="index"/>: a copy of the kept pixels, or <paramref name="render"/>'s image (then kept).</summary>
    public HostImage GetOrRender(int index, Func<int, HostImage> render)
    {
        // Out-of-range indices go to the dataset's renderer, which names the valid range.
        if (_pixels is null || _filled is null || (uint)index >= (uint)_filled.Length) return render(index);
        var slot = _pixels.AsSpan(index * _itemLength, _itemLength);
        if (Volatile.Read(ref _filled[index])) return new HostImage(_channels, _height, _width, slot.ToArray());
        var image = render(index);
        if (image.Channels != _channels || image.Height != _height || image.Width != _width)
            throw new InvalidOperationException($"rendered item {index} is {image}, expected {_channels}x{_height}x{_width}");
        image.Data.CopyTo(slot);
        Volatile.Write(ref _filled[index], true);
        return image;
    }
}
