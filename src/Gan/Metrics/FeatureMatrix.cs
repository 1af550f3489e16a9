namespace KernelGan.Gan.Metrics;

/// <summary>Feature vectors of a set of images, one row per image (row-major float32, as the network returns them).</summary>
public sealed class FeatureMatrix
{
    public FeatureMatrix(float[] values, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if (values.Length != (long)rows * columns)
            throw new ArgumentException($"{values.Length} values are not {rows} rows of {columns}", nameof(values));
        Values = values;
        Rows = rows;
        Columns = columns;
    }

    public float[] Values { get; }
    public int Rows { get; }
    public int Columns { get; }

    public ReadOnlySpan<float> Row(int index) => Values.AsSpan(index * Columns, Columns);

    /// <summary>Mean and covariance of the rows, in float64.</summary>
    public GaussianStatistics Statistics()
    {
        var moments = new FeatureMoments(Columns);
        moments.Add(Values, Rows);
        return moments.Statistics();
    }
}
