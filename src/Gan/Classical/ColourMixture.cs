namespace KernelGan.Gan.Classical;

/// <summary>
/// A Gaussian mixture over RGB colours with full covariances, GrabCut's colour model (Rother et
/// al. 2004): fitted from pixels with hard component assignments, initialised by k-means.
/// </summary>
internal sealed class ColourMixture
{
    private readonly double[] _weight, _logNorm;
    private readonly double[][] _mean, _inverse;

    public int Components { get; }

    private ColourMixture(int k)
    {
        Components = k;
        _weight = new double[k];
        _logNorm = new double[k];
        _mean = new double[k][];
        _inverse = new double[k][];
    }

    /// <summary>Fits k components to <paramref name="pixels"/> (each an RGB triple) given their component labels.</summary>
    public static ColourMixture Fit(IReadOnlyList<float[]> pixels, int[] labels, int k)
    {
        var g = new ColourMixture(k);
        for (int c = 0; c < k; c++)
        {
            var mean = new double[3];
            var cov = new double[9];
            int n = 0;
            for (int i = 0; i < pixels.Count; i++)
            {
                if (labels[i] != c) continue;
                n++;
                for (int a = 0; a < 3; a++) mean[a] += pixels[i][a];
            }
            if (n == 0) { g._weight[c] = 0; g._mean[c] = mean; g._inverse[c] = [1, 0, 0, 0, 1, 0, 0, 0, 1]; continue; }
            for (int a = 0; a < 3; a++) mean[a] /= n;
            for (int i = 0; i < pixels.Count; i++)
            {
                if (labels[i] != c) continue;
                for (int a = 0; a < 3; a++)
                    for (int b = 0; b < 3; b++)
                        cov[a * 3 + b] += (pixels[i][a] - mean[a]) * (pixels[i][b] - mean[b]);
            }
            for (int j = 0; j < 9; j++) cov[j] /= n;
            // A floor on the variance: a component of one flat colour must not become a delta.
            for (int a = 0; a < 3; a++) cov[a * 4] += 1e-4;
            double det = Det3(cov);
            g._weight[c] = (double)n / pixels.Count;
            g._mean[c] = mean;
            g._inverse[c] = Inverse3(cov, det);
            g._logNorm[c] = Math.Log(g._weight[c]) - 0.5 * Math.Log(det) - 1.5 * Math.Log(2 * Math.PI);
        }
        return g;
    }

    /// <summary>Log of the weighted density of component c at colour z (minus infinity for an empty component).</summary>
    public double ComponentLog(int c, ReadOnlySpan<float> z)
    {
        if (_weight[c] <= 0) return double.NegativeInfinity;
        double d0 = z[0] - _mean[c][0], d1 = z[1] - _mean[c][1], d2 = z[2] - _mean[c][2];
        var m = _inverse[c];
        double q = d0 * (m[0] * d0 + m[1] * d1 + m[2] * d2) + d1 * (m[3] * d0 + m[4] * d1 + m[5] * d2) + d2 * (m[6] * d0 + m[7] * d1 + m[8] * d2);
        return _logNorm[c] - 0.5 * q;
    }

    /// <summary>-log p(z): the data term of the graph cut.</summary>
    public double NegativeLogLikelihood(ReadOnlySpan<float> z)
    {
        double max = double.NegativeInfinity;
        Span<double> logs = stackalloc double[Components];
        for (int c = 0; c < Components; c++) { logs[c] = ComponentLog(c, z); max = Math.Max(max, logs[c]); }
        double sum = 0;
        for (int c = 0; c < Components; c++) sum += Math.Exp(logs[c] - max);
        return -(max + Math.Log(sum));
    }

    public int MostLikelyComponent(ReadOnlySpan<float> z)
    {
        int best = 0;
        double bestLog = double.NegativeInfinity;
        for (int c = 0; c < Components; c++)
        {
            double l = ComponentLog(c, z);
            if (l > bestLog) { bestLog = l; best = c; }
        }
        return best;
    }

    /// <summary>k-means labels (a few Lloyd iterations from evenly spaced seeds; deterministic).</summary>
    public static int[] KMeans(IReadOnlyList<float[]> pixels, int k, int iterations = 6)
    {
        var labels = new int[pixels.Count];
        if (pixels.Count == 0) return labels;
        k = Math.Min(k, pixels.Count);
        var centres = Enumerable.Range(0, k).Select(i => (float[])pixels[i * pixels.Count / k].Clone()).ToArray();
        for (int it = 0; it < iterations; it++)
        {
            for (int i = 0; i < pixels.Count; i++)
            {
                int best = 0;
                float bestD = float.MaxValue;
                for (int c = 0; c < k; c++)
                {
                    float d = 0;
                    for (int a = 0; a < 3; a++) { float e = pixels[i][a] - centres[c][a]; d += e * e; }
                    if (d < bestD) { bestD = d; best = c; }
                }
                labels[i] = best;
            }
            var sums = new double[k, 3];
            var counts = new int[k];
            for (int i = 0; i < pixels.Count; i++)
            {
                counts[labels[i]]++;
                for (int a = 0; a < 3; a++) sums[labels[i], a] += pixels[i][a];
            }
            for (int c = 0; c < k; c++)
                if (counts[c] > 0)
                    for (int a = 0; a < 3; a++) centres[c][a] = (float)(sums[c, a] / counts[c]);
        }
        return labels;
    }

    private static double Det3(double[] m) =>
        m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);

    private static double[] Inverse3(double[] m, double det) =>
    [
        (m[4] * m[8] - m[5] * m[7]) / det, (m[2] * m[7] - m[1] * m[8]) / det, (m[1] * m[5] - m[2] * m[4]) / det,
        (m[5] * m[6] - m[3] * m[8]) / det, (m[0] * m[8] - m[2] * m[6]) / det, (m[2] * m[3] - m[0] * m[5]) / det,
        (m[3] * m[7] - m[4] * m[6]) / det, (m[1] * m[6] - m[0] * m[7]) / det, (m[0] * m[4] - m[1] * m[3]) / det,
    ];
}
