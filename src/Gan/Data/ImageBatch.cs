namespace KernelGan.Gan.Data;

/// <summary>
/// One training batch in the layout the tensor engine takes: <see cref="Images"/> is
/// [BatchSize, 3, Size, Size] in [-1, 1]; <see cref="Masks"/> (when requested) is
/// [BatchSize, 1, Size, Size] with values 0 or 1. <see cref="Indices"/> and <see cref="Flipped"/>
/// record which dataset items were used and which were mirrored.
/// </summary>
public sealed record ImageBatch(long Step, int BatchSize, int Size, float[] Images, float[]? Masks, int[] Indices, bool[] Flipped)
{
    /// <summary>Item <paramref name="k"/> of the batch as an image in [0, 1] (for previews and tests).</summary>
    public HostImage ImageAt(int k) =>
        HostImage.FromMinusOneOne(Images.AsSpan(k * 3 * Size * Size, 3 * Size * Size), 3, Size, Size);

    /// <summary>Mask <paramref name="k"/> of the batch, or null when masks were not requested.</summary>
    public HostImage? MaskAt(int k) =>
        Masks is null ? null : HostImage.MaskFrom(Masks.AsSpan(k * Size * Size, Size * Size), Size, Size);
}
