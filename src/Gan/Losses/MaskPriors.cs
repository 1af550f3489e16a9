namespace KernelGan.Gan.Losses;

/// <summary>ILSGAN's priors on the mask: be binary, and cover at least a minimum area; and ours (total variation, maximum area, the frame's border).</summary>
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

    /// <summary>
    /// relu(minArea - mean(m)) over the whole batch (DESIGN.md's formula read literally): only the
    /// batch's mean area is held up, so single objects may be smaller than minArea.
    /// </summary>
    public static Tensor MinimumBatchArea(Tensor mask, float minArea = 0.25f) => Ops.Relu(minArea - Ops.Mean(mask));

    /// <summary>
    /// Mean absolute difference between neighbouring mask pixels (total variation): for a binary
    /// mask, its boundary length per pixel. Penalizing it rules out striped or speckled masks
    /// while costing a compact object's outline little.
    /// </summary>
    public static Tensor TotalVariation(Tensor mask)
    {
        int h = mask.Shape[2], w = mask.Shape[3];
        var dy = Ops.Narrow(mask, 2, 1, h - 1) - Ops.Narrow(mask, 2, 0, h - 1);
        var dx = Ops.Narrow(mask, 3, 1, w - 1) - Ops.Narrow(mask, 3, 0, w - 1);
        return Ops.Mean(Ops.Abs(dy)) + Ops.Mean(Ops.Abs(dx));
    }

    /// <summary>mean over images of relu(mean(m_i) - maxArea): rules out the mask that covers everything.</summary>
    public static Tensor MaximumArea(Tensor mask, float maxArea)
    {
        var area = Ops.Mean(mask, [1, 2, 3]);
        return Ops.Mean(Ops.Relu(area - maxArea));
    }

    /// <summary>
    /// The mask's mean value on the image's border band: an object that lies inside the frame
    /// leaves the border to the background. A weaker assumption than a centred bump (the object
    /// may be anywhere inside), and it rules out the two trivial masks a layered GAN falls into
    /// without a position prior: the whole frame, and a piece of background at a corner.
    /// </summary>
    public static Tensor OnBorder(Tensor mask, FrameBand frame) => Ops.Mean(mask * frame.Map) * (1f / frame.Fraction);
}
