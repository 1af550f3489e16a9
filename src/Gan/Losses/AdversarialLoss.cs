namespace KernelGan.Gan.Losses;

/// <summary>The non-saturating logistic GAN loss (Goodfellow et al. 2014), written with softplus for stability.</summary>
public static class AdversarialLoss
{
    /// <summary>D: -log sigmoid(D(real)) - log(1 - sigmoid(D(fake))) = softplus(-real) + softplus(fake).</summary>
    public static Tensor Discriminator(Tensor realLogits, Tensor fakeLogits) =>
        Ops.Mean(Ops.Softplus(-realLogits)) + Ops.Mean(Ops.Softplus(fakeLogits));

    /// <summary>G: -log sigmoid(D(fake)) = softplus(-fake).</summary>
    public static Tensor Generator(Tensor fakeLogits) => Ops.Mean(Ops.Softplus(-fakeLogits));
}
