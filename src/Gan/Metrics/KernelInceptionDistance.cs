using KernelGan.Kernels;

namespace KernelGan.Gan.Metrics;

/// <summary>How KID is averaged: the standard implementation's (Binkowski et al. 2018; torch-fidelity) 100 subsets of at most 1000.</summary>
public sealed record KidOptions(int Subsets = 100, int MaxSubsetSize = 1000, int Seed = 1);

/// <summary>KID: the mean and (population) standard deviation of the per-subset MMD^2 estimates.</summary>
public sealed record KidScore(double Mean, double Std, int Subsets, int SubsetSize);

/// <summary>
/// Kernel Inception Distance: the squared maximum mean discrepancy between two feature sets under
/// the cubic polynomial kernel <c>k(x, y) = (x.y / d + 1)^3</c>, with the unbiased estimator
/// (the diagonals of K_XX and K_YY left out), so it is near zero, and can be negative, when both
/// sets come from one distribution. As in the reference code, it is averaged over random subsets
/// of m = min(MaxSubsetSize, n_x, n_y) rows of each set, drawn without replacement within a subset.
/// The Gram matrices are float32 products on the backend (the reference computes them in float32
/// as well; d = 2048 and m = 1000 make 6 GFLOP per subset); the kernel values and their sums are
/// float64.
/// </summary>
public static class KernelInceptionDistance
{
    public static KidScore Compute(FeatureMatrix x, FeatureMatrix y, IBackend backend, KidOptions? options = null, IProgress<int>? subsetsDone = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        options ??= new KidOptions();
        if (x.Columns != y.Columns) throw new ArgumentException($"feature dimensions differ: {x.Columns} and {y.Columns}");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Subsets);
        int m = Math.Min(options.MaxSubsetSize, Math.Min(x.Rows, y.Rows));
        if (m < 2) throw new ArgumentException($"KID needs at least two feature vectors in each set, have {x.Rows} and {y.Rows}");

        var random = new Random(options.Seed);
        var estimates = new double[options.Subsets];
        for (int s = 0; s < options.Subsets; s++)
        {
            var xs = Subset(x, m, random);
            var ys = Subset(y, m, random);
            estimates[s] = UnbiasedMmd2(xs, ys, m, x.Columns, backend);
            subsetsDone?.Report(s + 1);
        }
        double mean = estimates.Average();
        double variance = estimates.Sum(e => (e - mean) * (e - mean)) / estimates.Length; // np.std: population
        return new KidScore(mean, Math.Sqrt(variance), options.Subsets, m);
    }

    /// <summary>The cubic polynomial kernel of a dot product in d dimensions.</summary>
    public static double Kernel(double dot, int dimension)
    {
        double v = dot / dimension + 1.0;
        return v * v * v;
    }

    /// <summary>
    /// (sum_{i!=j} k(x_i,x_j) + sum_{i!=j} k(y_i,y_j)) / (m(m-1)) - 2 sum_{i,j} k(x_i,y_j) / m^2,
    /// for two m-row sets.
    /// </summary>
    private static double UnbiasedMmd2(float[] xs, float[] ys, int m, int d, IBackend backend)
    {
        double xx, yy, xy;
        using (var scope = new TensorScope())
        using (Tensor.NoGrad())
        {
            var tx = Tensor.FromArray(xs, [m, d], backend);
            var ty = Tensor.FromArray(ys, [m, d], backend);
            xx = KernelSum(Ops.MatMul(tx, tx, transB: true).ToArray(), m, d, skipDiagonal: true);
            yy = KernelSum(Ops.MatMul(ty, ty, transB: true).ToArray(), m, d, skipDiagonal: true);
            xy = KernelSum(Ops.MatMul(tx, ty, transB: true).ToArray(), m, d, skipDiagonal: false);
        }
        return (xx + yy) / ((double)m * (m - 1)) - 2 * xy / ((double)m * m);
    }

    private static double KernelSum(float[] gram, int m, int d, bool skipDiagonal)
    {
        double sum = 0;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++)
                if (!skipDiagonal || i != j) sum += Kernel(gram[i * m + j], d);
        return sum;
    }

    /// <summary>m distinct rows chosen uniformly (a partial Fisher-Yates shuffle), gathered row-major.</summary>
    private static float[] Subset(FeatureMatrix set, int m, Random random)
    {
        var order = new int[set.Rows];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var rows = new float[m * set.Columns];
        for (int i = 0; i < m; i++)
        {
            int pick = random.Next(i, order.Length);
            (order[i], order[pick]) = (order[pick], order[i]);
            set.Row(order[i]).CopyTo(rows.AsSpan(i * set.Columns, set.Columns));
        }
        return rows;
    }
}
