using KernelGan.Gan.Data;
using KernelGan.Kernels;

namespace KernelGan.Gan.Prior;

/// <summary>One instance slot of a generated sample, on the host in [0, 1].</summary>
public sealed record SlotSample(HostImage CanonicalAppearance, HostImage CanonicalMask, HostImage PlacedAppearance, HostImage PlacedMask, float[] Theta);

/// <summary>One generated sample: composite, background and every slot (composition order).</summary>
public sealed record PriorSample(HostImage Composite, HostImage Background, IReadOnlyList<SlotSample> Slots)
{
    /// <summary>Union of the placed masks as composited, 1 - prod(1 - m_k).</summary>
    public HostImage UnionMask()
    {
        var first = Slots[0].PlacedMask;
        var union = new HostImage(1, first.Height, first.Width);
        for (int p = 0; p < union.Data.Length; p++)
        {
            float clear = 1f;
            foreach (var s in Slots) clear *= 1f - s.PlacedMask.Data[p];
            union.Data[p] = 1f - clear;
        }
        return union;
    }

    /// <summary>
    /// Which slot each pixel shows (1-based; 0 = background): the largest visible weight, where slot
    /// k's weight is m_k * prod_{j>k} (1 - m_j) and the background's is prod_k (1 - m_k).
    /// </summary>
    public int[] VisibleInstanceMap()
    {
        int n = Composite.PlaneSize;
        var ids = new int[n];
        for (int p = 0; p < n; p++)
        {
            float above = 1f, best = -1f;
            int bestId = 0;
            for (int k = Slots.Count - 1; k >= 0; k--)
            {
                float m = Slots[k].PlacedMask.Data[p];
                float w = m * above;
                if (w > best) { best = w; bestId = k + 1; }
                above *= 1f - m;
            }
            if (above > best) bestId = 0;
            ids[p] = bestId;
        }
        return ids;
    }

    /// <summary>The sample as an ILSGAN-style record (foreground = instances over the background's place), for the U-Net trainer.</summary>
    public GeneratedSample AsLayerSample() => new(Composite, Composite, Background, UnionMask());
}

/// <summary>
/// Runs a <see cref="PriorGenerator"/> without gradients in batches (batch norm uses batch
/// statistics, as in training) and copies everything to the host.
/// </summary>
public static class PriorSampler
{
    public static IEnumerable<PriorSample> Generate(PriorGenerator g, Rng rng, int count, int batch, IBackend backend)
    {
        var a = g.Architecture;
        int size = a.CanvasSize, plane = size * size, c = a.CanonicalSize, cPlane = c * c, per = a.SlotsPerProvider;
        for (int start = 0; start < count; start += batch)
        {
            float[] comp, bg;
            float[][] slotRgb, slotMask, canRgb, canMask, theta;
            using (var scope = new TensorScope())
            using (Tensor.NoGrad())
            {
                var layers = g.Forward(g.SampleLatents(rng, batch, backend));
                comp = layers.Composite.ToArray();
                bg = layers.Background.ToArray();
                slotRgb = layers.Slots.Select(s => s.Appearance.ToArray()).ToArray();
                slotMask = layers.Slots.Select(s => s.Mask.ToArray()).ToArray();
                canRgb = layers.Canonical.Select(i => i.Appearance.ToArray()).ToArray();
                canMask = layers.Canonical.Select(i => i.Mask.ToArray()).ToArray();
                theta = layers.Theta.Select(t => t.ToArray()).ToArray();
            }
            for (int i = 0; i < batch && start + i < count; i++)
            {
                var slots = new List<SlotSample>();
                for (int k = 0; k < a.Slots; k++)
                {
                    int p = k / per, row = i * per + k % per;
                    slots.Add(new SlotSample(
                        HostImage.FromMinusOneOne(canRgb[p].AsSpan(row * 3 * cPlane, 3 * cPlane), 3, c, c),
                        HostImage.MaskFrom(canMask[p].AsSpan(row * cPlane, cPlane), c, c),
                        HostImage.FromMinusOneOne(slotRgb[k].AsSpan(i * 3 * plane, 3 * plane), 3, size, size),
                        HostImage.MaskFrom(slotMask[k].AsSpan(i * plane, plane), size, size),
                        theta[p].AsSpan(row * 6, 6).ToArray()));
                }
                yield return new PriorSample(
                    HostImage.FromMinusOneOne(comp.AsSpan(i * 3 * plane, 3 * plane), 3, size, size),
                    HostImage.FromMinusOneOne(bg.AsSpan(i * 3 * plane, 3 * plane), 3, size, size),
                    slots);
            }
        }
    }
}
