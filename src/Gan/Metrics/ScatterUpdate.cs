using System.Numerics;

namespace KernelGan.Gan.Metrics;

/// <summary>
/// The float64 inner loop of <see cref="FeatureMoments"/>: adds C^T C (C = a batch of centred rows)
/// to the upper triangle of a symmetric d x d matrix. Written out here because MathNet's managed
/// matrix product ran at about 2 GFLOP/s on the 2-core machines (20 s per 5000 Inception feature
/// vectors); this loop reads each row of S once per four rows of C, fills only the triangle the
/// symmetric result needs, and uses every core.
/// </summary>
internal static class ScatterUpdate
{
    /// <summary>S[i, j] += sum_k C[k, i] C[k, j] for j >= i; S and C row-major, C is n x d.</summary>
    public static void AddUpperGram(double[] s, double[] c, int n, int d)
    {
        Parallel.For(0, d, i => AddRow(s, c, n, d, i));
    }

    /// <summary>S[i, j] += w u[i] u[j] for j >= i (the rank-one term of the pairwise merge).</summary>
    public static void AddUpperOuter(double[] s, double[] u, double w, int d)
    {
        for (int i = 0; i < d; i++)
        {
            double a = w * u[i];
            var row = s.AsSpan(i * d, d);
            for (int j = i; j < d; j++) row[j] += a * u[j];
        }
    }

    private static void AddRow(double[] s, double[] c, int n, int d, int i)
    {
        var row = s.AsSpan(i * d + i, d - i);
        int k = 0;
        for (; k + 4 <= n; k += 4)
        {
            var c0 = c.AsSpan(k * d + i, d - i);
            var c1 = c.AsSpan((k + 1) * d + i, d - i);
            var c2 = c.AsSpan((k + 2) * d + i, d - i);
            var c3 = c.AsSpan((k + 3) * d + i, d - i);
            double a0 = c0[0], a1 = c1[0], a2 = c2[0], a3 = c3[0];
            int j = 0, width = Vector<double>.Count;
            if (Vector.IsHardwareAccelerated)
            {
                var v0 = new Vector<double>(a0); var v1 = new Vector<double>(a1);
                var v2 = new Vector<double>(a2); var v3 = new Vector<double>(a3);
                for (; j + width <= row.Length; j += width)
                {
                    var acc = new Vector<double>(row[j..]);
                    acc += v0 * new Vector<double>(c0[j..]) + v1 * new Vector<double>(c1[j..])
                         + v2 * new Vector<double>(c2[j..]) + v3 * new Vector<double>(c3[j..]);
                    acc.CopyTo(row[j..]);
                }
            }
            for (; j < row.Length; j++) row[j] += a0 * c0[j] + a1 * c1[j] + a2 * c2[j] + a3 * c3[j];
        }
        for (; k < n; k++)
        {
            var ck = c.AsSpan(k * d + i, d - i);
            double a = ck[0];
            for (int j = 0; j < row.Length; j++) row[j] += a * ck[j];
        }
    }
}
