using System.Runtime.Intrinsics;
using KernelGan.Kernels.Cpu.Simd;

namespace KernelGan.Kernels.Cpu;

/// <summary>
/// The public GEMM: products split over cores (by columns of C, or rows when C is narrow), each
/// part run by <see cref="PackedGemm"/> with strided packers, which absorb both transposes so one
/// micro-kernel serves all four layouts. A single row or column of C is a matrix-vector product.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    public void Gemm(bool transA, bool transB, int m, int n, int k, float alpha,
                     DeviceBuffer a, int aOffset, int lda, long strideA,
                     DeviceBuffer b, int bOffset, int ldb, long strideB,
                     float beta, DeviceBuffer c, int cOffset, int ldc, long strideC, int batch = 1)
    {
        using var alive = Alive(a, b, c);
        float* pa = Ptr(a) + aOffset, pb = Ptr(b) + bOffset, pc = Ptr(c) + cOffset;
        if (batch >= CpuParallel.Workers && (long)m * n * k < 1L << 24)
        {
            // Many small products: one per core at a time.
            CpuParallel.ForEach(batch, i =>
                GemmSingle(transA, transB, m, n, k, alpha, pa + i * strideA, lda, pb + i * strideB, ldb, beta, pc + i * strideC, ldc));
            return;
        }
        for (int i = 0; i < batch; i++)
            GemmParallel(transA, transB, m, n, k, alpha, pa + i * strideA, lda, pb + i * strideB, ldb, beta, pc + i * strideC, ldc);
    }

    /// <summary>One product split across cores by columns of C (or by rows when C is narrow).</summary>
    internal static void GemmParallel(bool transA, bool transB, int m, int n, int k, float alpha,
                                      float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        int workers = CpuParallel.Workers;
        long work = (long)m * n * k;
        if (workers <= 1 || work < 1L << 18)
        {
            GemmSingle(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
        if (n >= m || n >= workers * GemmMicroKernel.NR * 2)
        {
            int chunk = RoundUp((n + workers - 1) / workers, GemmMicroKernel.NR);
            CpuParallel.ForEach((n + chunk - 1) / chunk, w =>
            {
                int j0 = w * chunk, nn = Math.Min(chunk, n - j0);
                float* bj = transB ? b + (long)j0 * ldb : b + j0;
                GemmSingle(transA, transB, m, nn, k, alpha, a, lda, bj, ldb, beta, c + j0, ldc);
            });
        }
        else
        {
            int chunk = RoundUp((m + workers - 1) / workers, GemmMicroKernel.MR);
            CpuParallel.ForEach((m + chunk - 1) / chunk, w =>
            {
                int i0 = w * chunk, mm = Math.Min(chunk, m - i0);
                float* ai = transA ? a + i0 : a + (long)i0 * lda;
                GemmSingle(transA, transB, mm, n, k, alpha, ai, lda, b, ldb, beta, c + (long)i0 * ldc, ldc);
            });
        }
    }

    [ThreadStatic] private static float[]? t_gemmA, t_gemmB, t_gemv;

    /// <summary>One product on the calling thread.</summary>
    internal static void GemmSingle(bool transA, bool transB, int m, int n, int k, float alpha,
                                    float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        if (m <= 0 || n <= 0) return;
        if (k <= 0 || alpha == 0f)
        {
            ScaleC(m, n, beta, c, ldc);
            return;
        }
        // A single row or column of C is a matrix-vector product: a 32-wide tile would be 97% padding.
        if (n == 1)
        {
            // c[i] = sum_p op(A)[i, p] * op(B)[p, 0]
            Gemv(m, k, alpha, a, transA ? 1 : lda, transA ? lda : 1, b, transB ? 1 : ldb, beta, c, ldc);
            return;
        }
        if (m == 1)
        {
            // c[j] = sum_p op(B)[p, j] * op(A)[0, p]
            Gemv(n, k, alpha, b, transB ? ldb : 1, transB ? 1 : ldb, a, transA ? lda : 1, beta, c, 1);
            return;
        }
        var pa = new StridedPanelA(transA, a, lda, m, Scratch(ref t_gemmA, StridedPanelA.ScratchLength));
        var pb = new StridedPanelB(transB, b, ldb, n, Scratch(ref t_gemmB, StridedPanelB.ScratchLength));
        PackedGemm.Run(m, n, k, ref pa, ref pb, OutputMatrix.Dense(c, ldc), beta, alpha);
    }

    /// <summary>
    /// y[r * incY] = alpha * sum_p M[r, p] x[p * incX] + beta * y[r * incY] for r &lt; rows, with
    /// M[r, p] at m[r * rowStride + p * colStride] (one of the strides is 1).
    /// </summary>
    private static void Gemv(int rows, int k, float alpha, float* m, long rowStride, long colStride,
                             float* x, long incX, float beta, float* y, long incY)
    {
        float* xs = x;
        if (incX != 1)
        {
            xs = Scratch(ref t_gemv, k);
            for (int p = 0; p < k; p++) xs[p] = x[p * incX];
        }
        if (colStride == 1)
        {
            for (int r = 0; r < rows; r++)
            {
                float dot = Dot(m + r * rowStride, xs, k);
                float* yr = y + r * incY;
                *yr = beta == 0f ? alpha * dot : alpha * dot + beta * *yr;
            }
            return;
        }
        // Rows adjacent in memory: accumulate columns of M (rows x k, column p at m + p*colStride).
        float* acc = Scratch(ref t_gemvAcc, rows);
        new Span<float>(acc, rows).Clear();
        for (int p = 0; p < k; p++) AddScaled(m + p * colStride, xs[p], acc, rows);
        for (int r = 0; r < rows; r++)
        {
            float* yr = y + r * incY;
            *yr = beta == 0f ? alpha * acc[r] : alpha * acc[r] + beta * *yr;
        }
    }

    [ThreadStatic] private static float[]? t_gemvAcc;

    /// <summary>acc[r] += col[r] * scale for r &lt; rows.</summary>
    private static void AddScaled(float* col, float scale, float* acc, int rows)
    {
        if (Vector512.IsHardwareAccelerated) AddScaled<V512>(col, scale, acc, rows);
        else if (Vector256.IsHardwareAccelerated) AddScaled<V256>(col, scale, acc, rows);
        else AddScaled<V128>(col, scale, acc, rows);
    }

    private static void AddScaled<TV>(float* col, float scale, float* acc, int rows) where TV : unmanaged, IVec<TV>
    {
        int r = 0;
        var vx = TV.Broadcast(scale);
        for (; r <= rows - TV.Lanes; r += TV.Lanes) TV.MultiplyAdd(TV.Load(col + r), vx, TV.Load(acc + r)).Store(acc + r);
        for (; r < rows; r++) acc[r] += col[r] * scale;
    }

    private static float Dot(float* a, float* b, int n) =>
        Vector512.IsHardwareAccelerated ? Dot<V512>(a, b, n)
        : Vector256.IsHardwareAccelerated ? Dot<V256>(a, b, n)
        : Dot<V128>(a, b, n);

    /// <summary>sum_i a[i] b[i], two accumulators to overlap the FMA latency.</summary>
    private static float Dot<TV>(float* a, float* b, int n) where TV : unmanaged, IVec<TV>
    {
        int i = 0, lanes = TV.Lanes;
        TV acc0 = TV.Zero, acc1 = TV.Zero;
        for (; i <= n - 2 * lanes; i += 2 * lanes)
        {
            acc0 = TV.MultiplyAdd(TV.Load(a + i), TV.Load(b + i), acc0);
            acc1 = TV.MultiplyAdd(TV.Load(a + i + lanes), TV.Load(b + i + lanes), acc1);
        }
        for (; i <= n - lanes; i += lanes) acc0 = TV.MultiplyAdd(TV.Load(a + i), TV.Load(b + i), acc0);
        float s = (acc0 + acc1).Sum();
        for (; i < n; i++) s += a[i] * b[i];
        return s;
    }

    private static void ScaleC(int m, int n, float beta, float* c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            var row = new Span<float>(c + (long)i * ldc, n);
            if (beta == 0f) row.Clear();
            else for (int j = 0; j < n; j++) row[j] *= beta;
        }
    }

    private static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;
}
