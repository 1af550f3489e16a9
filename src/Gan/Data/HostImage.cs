namespace KernelGan.Gan.Data;

/// <summary>
/// An image on the host: <see cref="Channels"/> x <see cref="Height"/> x <see cref="Width"/> floats
/// in CHW order (the layout the tensor engine uses), values in [0, 1]. Masks are 1-channel
/// HostImages (0 = background, 1 = foreground; soft masks anywhere in between).
/// The data layer never depends on the tensor engine, so this plain array is the hand-over format.
/// </summary>
public sealed class HostImage
{
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }

    /// <summary>Pixel values, CHW order: index = (c * Height + y) * Width + x.</summary>
    public float[] Data { get; }

    public HostImage(int channels, int height, int width)
        : this(channels, height, width, new float[CheckedLength(channels, height, width)]) { }

    /// <summary>Wraps an existing CHW array (not copied).</summary>
    public HostImage(int channels, int height, int width, float[] data)
    {
        long length = CheckedLength(channels, height, width);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length != length)
            throw new ArgumentException($"data has {data.Length} values, expected {channels}x{height}x{width} = {length}", nameof(data));
        Channels = channels;
        Height = height;
        Width = width;
        Data = data;
    }

    /// <summary>Pixels per channel (Height * Width).</summary>
    public int PlaneSize => Height * Width;

    public bool IsMask => Channels == 1;

    public float this[int c, int y, int x]
    {
        get => Data[(c * Height + y) * Width + x];
        set => Data[(c * Height + y) * Width + x] = value;
    }

    /// <summary>One channel plane as a span (HW order).</summary>
    public Span<float> Plane(int c) => Data.AsSpan(c * PlaneSize, PlaneSize);

    public HostImage Clone() => new(Channels, Height, Width, (float[])Data.Clone());

    /// <summary>Writes 2v-1 for every value (CHW), the [-1, 1] range the GAN works in.</summary>
    public void ToMinusOneOne(Span<float> dst)
    {
        if (dst.Length < Data.Length)
            throw new ArgumentException($"destination holds {dst.Length} values, need {Data.Length}", nameof(dst));
        var src = Data;
        for (int i = 0; i < src.Length; i++) dst[i] = 2f * src[i] - 1f;
    }

    /// <summary>Inverse of <see cref="ToMinusOneOne"/>: (v+1)/2, clamped into [0, 1] (generator outputs may overshoot).</summary>
    public static HostImage FromMinusOneOne(ReadOnlySpan<float> src, int channels, int height, int width)
    {
        var img = new HostImage(channels, height, width);
        if (src.Length < img.Data.Length)
            throw new ArgumentException($"source holds {src.Length} values, need {img.Data.Length}", nameof(src));
        var dst = img.Data;
        for (int i = 0; i < dst.Length; i++) dst[i] = Math.Clamp(0.5f * (src[i] + 1f), 0f, 1f);
        return img;
    }

    /// <summary>Copies a 1-channel [0,1] plane (e.g. a soft mask from the model) into a new mask image.</summary>
    public static HostImage MaskFrom(ReadOnlySpan<float> values, int height, int width)
    {
        var img = new HostImage(1, height, width);
        values[..img.Data.Length].CopyTo(img.Data);
        return img;
    }

    private static int CheckedLength(int channels, int height, int width)
    {
        if (channels <= 0 || height <= 0 || width <= 0)
            throw new ArgumentOutOfRangeException(nameof(channels), $"image shape {channels}x{height}x{width} must be positive");
        long n = (long)channels * height * width;
        if (n > Array.MaxLength) throw new ArgumentOutOfRangeException(nameof(channels), $"image {channels}x{height}x{width} is too large");
        return (int)n;
    }

    public override string ToString() => $"HostImage {Channels}x{Height}x{Width}";
}
