namespace KernelGan.Gan.Data;

/// <summary>
/// One generated sample on the host: composite, layers and mask, all in [0, 1]. Any generator's
/// samples (ILSGAN's layers, the prior's composite and union mask) take this shape, so the
/// segmenter and the sample grids read them alike.
/// </summary>
public sealed record GeneratedSample(HostImage Composite, HostImage Foreground, HostImage Background, HostImage Mask);
