namespace KernelGan.Gan.Losses;

/// <summary>ILSGAN's priors on the mask: be binary, and cover at least a minimum area.</summary>
public static class MaskPriors
{
    /// <summary>mean(min(m, 1-m)): zero exactly when every mask value is 0 or 1.</summary>
    public static Tensor Binarization(Tensor mask) => Ops.Mean(Ops.Minimum(mask, 1f - mask));

    /// <summary>
    /// mean over images of relu(minArea - mean(m_i)): stops the trivial empty mask. Per image, so
    /// one large mask cannot excuse an empty one elsewhere in the batch.
    /// </summary>
    public static Tensor MinimumArea(Tensor mask, float minArea = 0.25f)
    {
        var area = Ops.Mean(mask, [1, 2, 3]);
        return Ops.Mean(Ops.Relu(minArea - area));
    }

    /// <summary>mean over images of relu(mean(m_i) - maxArea): rules out the mask that covers everything.</summary>
    public static Tensor MaximumArea(Tensor mask, float maxArea)
    {
        var area = Ops.Mean(mask, [1, 2, 3]);
        return Ops.Mean(Ops.Relu(area - maxArea));
    }
}
