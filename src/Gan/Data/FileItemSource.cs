namespace KernelGan.Gan.Data;

/// <summary>A box read from an annotation file, remembering where it came from for error messages.</summary>
public readonly record struct BoxSpec(double X, double Y, double Width, double Height, string Origin);

/// <summary>One dataset item backed by files: an image, an optional mask, and an optional box to crop around.</summary>
internal sealed record FileItemSource(string Name, string ImagePath, string? MaskPath, BoxSpec? Box);
