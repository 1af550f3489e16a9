namespace KernelGan.Gan.Metrics;

/// <summary>
/// The Fréchet distance between two Gaussians fitted to feature sets (FID when the features are
/// Inception-v3's pool features): <c>||mu1 - mu2||^2 + Tr(S1 + S2 - 2 (S1 S2)^(1/2))</c>, in float64.
/// </summary>
public static class FrechetDistance
{
    public static double Between(GaussianStatistics a, GaussianStatistics b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Dimension != b.Dimension) throw new ArgumentException($"feature dimensions differ: {a.Dimension} and {b.Dimension}");
        double meanTerm = 0;
        for (int i = 0; i < a.Dimension; i++)
        {
            double diff = a.Mean[i] - b.Mean[i];
            meanTerm += diff * diff;
        }
        return meanTerm + a.Covariance.Trace() + b.Covariance.Trace() - 2 * TraceOfSqrtProduct(a.Covariance, b.Covariance);
    }

    /// <summary>
    /// Tr((S1 S2)^(1/2)) for covariances S1, S2. S1 S2 is not symmetric, and a general matrix square
    /// root of it (scipy's sqrtm, which pytorch-fid uses) works in complex arithmetic, can return
    /// complex parts from rounding, and is ill-conditioned when S1 is singular (fewer samples than
    /// dimensions), which pytorch-fid patches by adding eps*I. Instead: with R = S1^(1/2) (PSD),
    /// S1 S2 = R (R S2 R) R^(-1) where R is invertible, so S1 S2 is similar to the symmetric PSD
    /// matrix R S2 R and has the same eigenvalues, which stays true for singular S1 by continuity
    /// (the non-zero eigenvalues of AB and BA agree). The principal square root of S1 S2 therefore
    /// has trace sum(sqrt(eig(R S2 R))), computed by two symmetric eigendecompositions, which are
    /// backward stable with real eigenvalues; the tiny negative ones rounding leaves are clipped.
    /// </summary>
    public static double TraceOfSqrtProduct(MathNet.Numerics.LinearAlgebra.Matrix<double> s1, MathNet.Numerics.LinearAlgebra.Matrix<double> s2)
    {
        var root = SymmetricPsd.Sqrt(s1);
        return SymmetricPsd.TraceOfSqrt(root.Multiply(s2).Multiply(root));
    }
}
