namespace KernelGan.Kernels.Checks;

/// <summary>
/// One (batched, strided) GEMM C = alpha op(A) op(B) + beta C on random data, run on a backend and
/// checked against bounds derived from the input format's unit roundoff u (see <see cref="Check"/>).
/// </summary>
internal sealed record GemmProblem(int Batch, int M, int N, int K, bool TransA, bool TransB,
                                   int Lda, int Ldb, int StrideA, int StrideB, int StrideC,
                                   float Alpha, float Beta, float[] A, float[] B, float[] C)
{
    /// <summary>Operands with entries in [-1, 1] scaled by powers of two (so magnitudes vary), <paramref name="gap"/> floats between batch matrices.</summary>
    public static GemmProblem Random(Random random, int batch, int m, int n, int k, bool transA, bool transB, int gap)
    {
        int lda = transA ? m : k, ldb = transB ? k : n;
        int strideA = m * k + gap, strideB = k * n + gap, strideC = m * n + gap;
        float[] Fill(int count) => Enumerable.Range(0, count)
            .Select(_ => (float)((random.NextDouble() * 2 - 1) * Math.ScaleB(1, random.Next(-3, 4)))).ToArray();
        return new GemmProblem(batch, m, n, k, transA, transB, lda, ldb, strideA, strideB, strideC, 1.25f, 0.5f,
            Fill(strideA * batch), Fill(strideB * batch), Fill(strideC * batch));
    }

    public float[] Run(IBackend backend)
    {
        var a = backend.Allocate(A.Length);
        var b = backend.Allocate(B.Length);
        var c = backend.Allocate(C.Length);
        backend.Upload(A, a);
        backend.Upload(B, b);
        backend.Upload(C, c);
        backend.Gemm(TransA, TransB, M, N, K, Alpha, a, 0, Lda, StrideA, b, 0, Ldb, StrideB, Beta, c, 0, N, StrideC, Batch);
        var result = new float[C.Length];
        backend.Download(c, 0, result);
        a.Release();
        b.Release();
        c.Release();
        return result;
    }

    private float OpA(int batch, int i, int k) => A[batch * StrideA + (TransA ? k * Lda + i : i * Lda + k)];

    private float OpB(int batch, int k, int j) => B[batch * StrideB + (TransB ? j * Ldb + k : k * Ldb + j)];

    /// <summary>
    /// Failures (one line each) of <paramref name="actual"/>, the GEMM with inputs rounded to
    /// <paramref name="precision"/>, against two references, elementwise with S = |alpha| (|A| |B|)_ij:
    /// 1. the fp32 kernel's <paramref name="fp32"/>: each product of rounded inputs is off by at most
    ///    (2u + u^2) |a b|, and each side's fp32 sum by gamma_k = k 2^-24 / (1 - k 2^-24) relative to S,
    ///    so |actual - fp32| &lt;= (2u + u^2 + 2 gamma_k) S + 2^-22 (S + |beta C|) (the last term: alpha, beta rounding).
    /// 2. the exact (double) product of the rounded inputs: the products are exact in fp32 for TF32
    ///    and BF16, so only the fp32 sum may differ: gamma_k S + 2^-22 (S + |beta C|). A misplaced
    ///    fragment, tile or edge element breaks this bound by orders of magnitude.
    /// Gap elements between batch matrices must come back untouched.
    /// </summary>
    public List<string> Check(GemmPrecision precision, float[] actual, float[] fp32, string label, Action<string> log)
    {
        double u = precision.UnitRoundoff(), eps = Math.ScaleB(1, -24);
        double gamma = K * eps / (1 - K * eps);
        var failures = new List<string>();
        double worstFp32 = 0, worstExact = 0;
        var written = new bool[C.Length];
        for (int batch = 0; batch < Batch; batch++)
        for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++)
        {
            double exact = 0, magnitude = 0;
            for (int k = 0; k < K; k++)
            {
                double a = ReducedFloat.Round(OpA(batch, i, k), precision), b = ReducedFloat.Round(OpB(batch, k, j), precision);
                exact += a * b;
                magnitude += Math.Abs((double)OpA(batch, i, k) * OpB(batch, k, j));
            }
            int at = batch * StrideC + i * N + j;
            written[at] = true;
            double s = Math.Abs(Alpha) * magnitude, cTerm = Math.Abs(Beta * C[at]);
            double reference = Alpha * exact + Beta * C[at];
            double slack = Math.ScaleB(1, -22) * (s + cTerm) + 1e-30;
            double fp32Bound = (2 * u + u * u + 2 * gamma) * s + slack, exactBound = gamma * s + slack;
            double fp32Error = Math.Abs(actual[at] - fp32[at]), exactError = Math.Abs(actual[at] - reference);
            worstFp32 = Math.Max(worstFp32, fp32Error / fp32Bound);
            worstExact = Math.Max(worstExact, exactError / exactBound);
            if (failures.Count < 5 && !(fp32Error <= fp32Bound))
                failures.Add($"{precision.Name()} {label} [{batch},{i},{j}]: {actual[at]} vs fp32 {fp32[at]}, |diff| {fp32Error:G3} > bound {fp32Bound:G3}");
            if (failures.Count < 5 && !(exactError <= exactBound))
                failures.Add($"{precision.Name()} {label} [{batch},{i},{j}]: {actual[at]} vs exact product of rounded inputs {reference}, |diff| {exactError:G3} > bound {exactBound:G3}");
        }
        for (int at = 0; at < C.Length; at++)
            if (!written[at] && actual[at] != C[at] && failures.Count < 5)
                failures.Add($"{precision.Name()} {label}: element {at} between batch matrices was overwritten");
        log($"{precision.Name()} {M}x{N}x{K} batch {Batch} {label}: worst error / bound {worstFp32:F3} vs fp32, {worstExact:F3} vs exact rounded product");
        return failures;
    }
}
