namespace KernelGan.Gan.Losses;

/// <summary>
/// CLUB (Cheng et al. 2020), a sampled upper bound on mutual information, with ILSGAN's fixed
/// Laplace conditional q(y|x) ∝ exp(-|y - x|_1): the bound is the mean log-likelihood of matched
/// pairs minus that of shuffled pairs, i.e. mean_i |x_pi(i) - y_i|_1/D - mean_i |x_i - y_i|_1/D.
/// </summary>
public static class ClubMutualInformation
{
    public static Tensor Laplace(Tensor x, Tensor y, int[] permutation) =>
        Ops.Mean(Ops.RowL1Distance(x, y, permutation)) - Ops.Mean(Ops.RowL1Distance(x, y));

    /// <summary>
    /// ILSGAN's information-leakage term between the layers, hidden vs visible regions:
    /// MI(bg*m ; fg*m) (what the mask hides of bg vs what it shows of fg) +
    /// MI(fg*(1-m) ; bg*(1-m)) (the reverse outside the mask). Gradients reach fg, bg and m.
    /// </summary>
    public static Tensor LayerLeakage(Tensor fg, Tensor bg, Tensor mask, int[] permutation)
    {
        var inverse = 1f - mask;
        var hiddenBg = bg * mask;
        var visibleFg = fg * mask;
        var hiddenFg = fg * inverse;
        var visibleBg = bg * inverse;
        return Laplace(hiddenBg, visibleFg, permutation) + Laplace(hiddenFg, visibleBg, permutation);
    }
}
