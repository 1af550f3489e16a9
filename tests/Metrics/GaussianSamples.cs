namespace KernelGan.Tests.Metrics;

/// <summary>Draws from multivariate Gaussians for the statistics tests (Box-Muller, then x = mu + L z with S = L L^T).</summary>
internal static class GaussianSamples
{
    public static double StandardNormal(Random random)
    {
        double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>n rows of N(mean, covariance), row-major float32 (as a feature network returns them).</summary>
    public static float[] Draw(Random random, int n, double[] mean, double[,] covariance)
    {
        int d = mean.Length;
        var l = Cholesky(covariance);
        var rows = new float[n * d];
        var z = new double[d];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++) z[j] = StandardNormal(random);
            for (int r = 0; r < d; r++)
            {
                double v = mean[r];
                for (int c = 0; c <= r; c++) v += l[r, c] * z[c];
                rows[i * d + r] = (float)v;
            }
        }
        return rows;
    }

    private static double[,] Cholesky(double[,] a)
    {
        int d = a.GetLength(0);
        var l = new double[d, d];
        for (int r = 0; r < d; r++)
            for (int c = 0; c <= r; c++)
            {
                double sum = a[r, c];
                for (int k = 0; k < c; k++) sum -= l[r, k] * l[c, k];
                l[r, c] = r == c ? Math.Sqrt(sum) : sum / l[c, c];
            }
        return l;
    }

    /// <summary>A random symmetric positive definite d x d matrix (A A^T / d + floor I).</summary>
    public static double[,] RandomSpd(Random random, int d, double floor = 0.1)
    {
        var a = new double[d, d];
        for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) a[i, j] = StandardNormal(random);
        var s = new double[d, d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
            {
                double v = 0;
                for (int k = 0; k < d; k++) v += a[i, k] * a[j, k];
                s[i, j] = v / d + (i == j ? floor : 0);
            }
        return s;
    }
}
