using MathNet.Numerics.LinearAlgebra;

namespace KernelGan.Gan.Metrics;

/// <summary>
/// Streaming mean and covariance of feature vectors, accumulated in float64 one batch at a time.
/// Each batch is centred on its own mean, its scatter matrix (sum of outer products of the
/// centred rows) computed, and merged with the running one by Chan, Golub and LeVeque's pairwise
/// update: <c>M = M_a + M_b + delta delta^T n_a n_b / n</c>. Unlike the textbook
/// <c>E[x x^T] - mu mu^T</c>, this never subtracts two large nearly equal sums, so features with a
/// large mean and a small spread (Inception's pool features are all positive) keep their digits.
/// </summary>
public sealed class FeatureMoments
{
    private readonly int _dimension;
    private readonly double[] _mean;
    private readonly double[] _scatter; // row-major d x d, upper triangle only until Statistics()
    private long _count;

    public FeatureMoments(int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        _dimension = dimension;
        _mean = new double[dimension];
        _scatter = new double[(long)dimension * dimension];
    }

    public long Count => _count;

    /// <summary>Adds <paramref name="n"/> feature rows (row-major, <c>n * dimension</c> values).</summary>
    public void Add(ReadOnlySpan<float> rows, int n)
    {
        if (n <= 0) return;
        int d = _dimension;
        if (rows.Length < (long)n * d)
            throw new ArgumentException($"{rows.Length} values hold fewer than {n} rows of {d}", nameof(rows));
        var batchMean = new double[d];
        for (int i = 0; i < n; i++)
        {
            var row = rows.Slice(i * d, d);
            for (int j = 0; j < d; j++) batchMean[j] += row[j];
        }
        for (int j = 0; j < d; j++) batchMean[j] /= n;

        var centred = new double[n * d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) centred[i * d + j] = rows[i * d + j] - batchMean[j];
        ScatterUpdate.AddUpperGram(_scatter, centred, n, d);

        long total = _count + n;
        var delta = new double[d];
        for (int j = 0; j < d; j++) delta[j] = batchMean[j] - _mean[j];
        if (_count > 0) ScatterUpdate.AddUpperOuter(_scatter, delta, (double)_count * n / total, d);
        for (int j = 0; j < d; j++) _mean[j] += delta[j] * n / total;
        _count = total;
    }

    /// <summary>Mean and unbiased covariance of everything added so far (needs at least two rows).</summary>
    public GaussianStatistics Statistics()
    {
        if (_count < 2) throw new InvalidOperationException($"a covariance needs at least two feature vectors, have {_count}");
        int d = _dimension;
        double scale = 1.0 / (_count - 1);
        var covariance = Matrix<double>.Build.Dense(d, d, (row, col) =>
            scale * (row <= col ? _scatter[(long)row * d + col] : _scatter[(long)col * d + row]));
        return new GaussianStatistics(_count, (double[])_mean.Clone(), covariance);
    }
}
