using MathNet.Numerics.LinearAlgebra;

namespace KernelGan.Gan.Metrics;

/// <summary>
/// The first two moments of a set of feature vectors, in float64: what FID compares. The
/// covariance is the unbiased sample covariance (divided by <c>Count - 1</c>, as numpy's
/// <c>np.cov</c> and so pytorch-fid compute it).
/// </summary>
public sealed record GaussianStatistics(long Count, double[] Mean, Matrix<double> Covariance)
{
    public int Dimension => Mean.Length;

    /// <summary>Moments given exactly (no samples), e.g. a known Gaussian's.</summary>
    public static GaussianStatistics Exact(double[] mean, double[,] covariance) =>
        new(long.MaxValue, (double[])mean.Clone(), Matrix<double>.Build.DenseOfArray(covariance));
}
