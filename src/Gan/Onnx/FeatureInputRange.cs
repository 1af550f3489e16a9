namespace KernelGan.Gan.Onnx;

/// <summary>
/// The pixel range a feature network expects. Images reach <see cref="OnnxFeatureNetwork"/> in
/// [0, 1] (the <see cref="Metrics.IFeatureNetwork"/> contract); it maps them to this range first.
/// </summary>
public enum FeatureInputRange
{
    /// <summary>[0, 1] as given (the default): pytorch-fid's InceptionV3 exported with its own input normalization inside, as most FID exports are.</summary>
    ZeroOne,
    /// <summary>[-1, 1]: 2x - 1 (Inception networks with the scaling left out of the graph; TF-slim style).</summary>
    MinusOneOne,
    /// <summary>ImageNet mean/std per channel: (x - (0.485, 0.456, 0.406)) / (0.229, 0.224, 0.225) (torchvision exports).</summary>
    ImageNet,
    /// <summary>[0, 255]: 255x (graphs that take raw pixel values as floats).</summary>
    ZeroTo255,
}

public static class FeatureInputRanges
{
    /// <summary>The names the command line uses, in the order of the enum.</summary>
    public static readonly (string Name, FeatureInputRange Range)[] Names =
        [("0..1", FeatureInputRange.ZeroOne), ("-1..1", FeatureInputRange.MinusOneOne), ("imagenet", FeatureInputRange.ImageNet), ("0..255", FeatureInputRange.ZeroTo255)];

    public static FeatureInputRange Parse(string text) =>
        Names.FirstOrDefault(n => string.Equals(n.Name, text, StringComparison.OrdinalIgnoreCase)) is { Name: not null } found
            ? found.Range
            : throw new ArgumentException($"unknown input range '{text}' (expected one of: {string.Join(", ", Names.Select(n => n.Name))})");

    private static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f], ImageNetStd = [0.229f, 0.224f, 0.225f];

    /// <summary>Maps NCHW RGB values in [0, 1] to <paramref name="range"/> in place.</summary>
    public static void Apply(FeatureInputRange range, Span<float> images, int plane)
    {
        switch (range)
        {
            case FeatureInputRange.ZeroOne: return;
            case FeatureInputRange.MinusOneOne: foreach (ref var v in images) v = 2f * v - 1f; return;
            case FeatureInputRange.ZeroTo255: foreach (ref var v in images) v *= 255f; return;
            case FeatureInputRange.ImageNet:
                for (int start = 0, channel = 0; start < images.Length; start += plane, channel = (channel + 1) % 3)
                    foreach (ref var v in images.Slice(start, plane)) v = (v - ImageNetMean[channel]) / ImageNetStd[channel];
                return;
        }
    }
}
