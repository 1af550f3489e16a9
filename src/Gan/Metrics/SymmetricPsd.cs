using MathNet.Numerics.LinearAlgebra;

namespace KernelGan.Gan.Metrics;

/// <summary>
/// Functions of symmetric positive semi-definite matrices (covariances) through their symmetric
/// eigendecomposition <c>S = V diag(l) V^T</c>. Eigenvalues that come out slightly negative are
/// rounding (a covariance has none below zero; a singular one, from fewer samples than
/// dimensions, has exact zeros that rounding scatters to either side), so they are clipped to zero
/// before a square root rather than producing NaN or the complex values a general matrix square
/// root would.
/// </summary>
public static class SymmetricPsd
{
    /// <summary>The eigenvalues of <paramref name="s"/> (symmetrized first), negatives clipped to zero.</summary>
    public static double[] Eigenvalues(Matrix<double> s)
    {
        var evd = Symmetrize(s).Evd(Symmetricity.Symmetric);
        return ClippedEigenvalues(evd.EigenValues);
    }

    /// <summary>The PSD square root <c>V diag(sqrt l) V^T</c>: the unique PSD R with R R = S.</summary>
    public static Matrix<double> Sqrt(Matrix<double> s)
    {
        var evd = Symmetrize(s).Evd(Symmetricity.Symmetric);
        var roots = ClippedEigenvalues(evd.EigenValues);
        for (int i = 0; i < roots.Length; i++) roots[i] = Math.Sqrt(roots[i]);
        var v = evd.EigenVectors;
        // R = (V diag(sqrt l)) V^T: scale V's columns, then one product.
        var scaled = v.Clone();
        var values = scaled.AsColumnMajorArray();
        int n = roots.Length;
        for (int col = 0; col < n; col++)
            for (int row = 0; row < n; row++) values[col * n + row] *= roots[col];
        return scaled.TransposeAndMultiply(v);
    }

    /// <summary>Trace of the PSD square root: the sum of the square roots of the (clipped) eigenvalues.</summary>
    public static double TraceOfSqrt(Matrix<double> s)
    {
        double sum = 0;
        foreach (double l in Eigenvalues(s)) sum += Math.Sqrt(l);
        return sum;
    }

    /// <summary>(S + S^T) / 2: removes the asymmetry rounding leaves in products such as R S2 R.</summary>
    public static Matrix<double> Symmetrize(Matrix<double> s)
    {
        if (s.RowCount != s.ColumnCount) throw new ArgumentException($"matrix is {s.RowCount}x{s.ColumnCount}, not square", nameof(s));
        return s.Add(s.Transpose()).Multiply(0.5);
    }

    private static double[] ClippedEigenvalues(Vector<System.Numerics.Complex> values)
    {
        var result = new double[values.Count];
        for (int i = 0; i < result.Length; i++) result[i] = Math.Max(0.0, values[i].Real);
        return result;
    }
}
