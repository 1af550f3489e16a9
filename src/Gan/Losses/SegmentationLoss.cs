namespace KernelGan.Gan.Losses;

/// <summary>Binary cross-entropy on mask logits, written stably as softplus(l) - y*l.</summary>
public static class SegmentationLoss
{
    public static Tensor BinaryCrossEntropy(Tensor logits, Tensor targets) =>
        Ops.Mean(Ops.Softplus(logits) - logits * targets);
}
