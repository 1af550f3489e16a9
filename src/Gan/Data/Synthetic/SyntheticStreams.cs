namespace KernelGan.Gan.Data;

/// <summary>
/// Stream tags for <see cref="SplitMix64.ForKey"/>. Each aspect of a scene draws from its own
/// stream, so e.g. the background of scene i is statistically independent of its object, and
/// changing how objects are drawn does not shift every background.
/// </summary>
internal static class SyntheticStreams
{
    public const ulong Background = 1;
    public const ulong Object = 2;
    public const ulong Placement = 3;
    public const ulong Finish = 4;
    public const ulong ObjectCount = 5;
    public const ulong Crop = 6;

    // Scene families, mixed into the key so that the three generators never share scenes.
    public const ulong ObjectCentricFamily = 0x10;
    public const ulong BoxScenesFamily = 0x20;
    public const ulong HocFamily = 0x30;

    /// <summary>Test items live far above every train index, so the two splits are disjoint by construction.</summary>
    public const ulong TestIndexOffset = 1UL << 40;

    public static ulong SceneKey(DataSplit split, int index) =>
        (split == DataSplit.Test ? TestIndexOffset : 0UL) + (ulong)index;

    public static SplitMix64 Stream(long seed, ulong family, ulong stream, ulong key, ulong sub = 0) =>
        SplitMix64.ForKey(seed, (family << 8) | stream, key, sub);
}
