using System.Runtime.Intrinsics;

namespace KernelGan.Kernels.Cpu;

/// <summary>
/// Blocked GEMM in the Goto/BLIS shape: B is packed into KC x NC panels (NR-wide strips), A into
/// MC x KC blocks (MR-tall strips), and <see cref="GemmMicroKernel"/> sweeps the tiles. Packing
/// absorbs both transposes, so one micro-kernel serves all four layouts.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    private const int KC = 256, MC = 96, NC = 3072;

    public void Gemm(bool transA, bool transB, int m, int n, int k, float alpha,
                     DeviceBuffer a, int aOffset, int lda, long strideA,
                     DeviceBuffer b, int bOffset, int ldb, long strideB,
                     float beta, DeviceBuffer c, int cOffset, int ldc, long strideC, int batch = 1)
    {
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

    [ThreadStatic] private static float[]? t_packA, t_packB;

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
        const int MR = GemmMicroKernel.MR, NR = GemmMicroKernel.NR;
        var packA = t_packA ??= GC.AllocateUninitializedArray<float>(MC * KC, pinned: true);
        var packB = t_packB ??= GC.AllocateUninitializedArray<float>(KC * (NC + NR), pinned: true);
        fixed (float* pA = packA, pB = packB)
        {
            for (int jc = 0; jc < n; jc += NC)
            {
                int nc = Math.Min(NC, n - jc);
                for (int pc = 0; pc < k; pc += KC)
                {
                    int kc = Math.Min(KC, k - pc);
                    float betaHere = pc == 0 ? beta : 1f;
                    PackB(transB, b, ldb, pc, jc, kc, nc, pB);
                    for (int ic = 0; ic < m; ic += MC)
                    {
                        int mc = Math.Min(MC, m - ic);
                        PackA(transA, a, lda, ic, pc, mc, kc, pA);
                        for (int jr = 0; jr < nc; jr += NR)
                        {
                            int nr = Math.Min(NR, nc - jr);
                            float* bPanel = pB + (long)jr * kc;
                            for (int ir = 0; ir < mc; ir += MR)
                            {
                                int mr = Math.Min(MR, mc - ir);
                                GemmMicroKernel.Run(kc, pA + ir * kc, bPanel,
                                    c + (long)(ic + ir) * ldc + jc + jr, ldc, alpha, betaHere, mr, nr);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Packs op(A)[ic.., pc..] (mc x kc) into MR-row strips, each stored k-major, zero-padded.</summary>
    private static void PackA(bool transA, float* a, int lda, int ic, int pc, int mc, int kc, float* dst)
    {
        const int MR = GemmMicroKernel.MR;
        for (int ir = 0; ir < mc; ir += MR)
        {
            int mr = Math.Min(MR, mc - ir);
            float* strip = dst + ir * kc;
            if (!transA)
            {
                for (int i = 0; i < MR; i++)
                {
                    if (i < mr)
                    {
                        float* src = a + (long)(ic + ir + i) * lda + pc;
                        for (int p = 0; p < kc; p++) strip[p * MR + i] = src[p];
                    }
                    else
                        for (int p = 0; p < kc; p++) strip[p * MR + i] = 0f;
                }
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    float* src = a + (long)(pc + p) * lda + ic + ir;
                    float* d = strip + p * MR;
                    int i = 0;
                    for (; i < mr; i++) d[i] = src[i];
                    for (; i < MR; i++) d[i] = 0f;
                }
            }
        }
    }

    /// <summary>Packs op(B)[pc.., jc..] (kc x nc) into NR-column strips, each stored k-major, zero-padded.</summary>
    private static void PackB(bool transB, float* b, int ldb, int pc, int jc, int kc, int nc, float* dst)
    {
        const int NR = GemmMicroKernel.NR;
        for (int jr = 0; jr < nc; jr += NR)
        {
            int nr = Math.Min(NR, nc - jr);
            float* strip = dst + (long)jr * kc;
            if (!transB)
            {
                for (int p = 0; p < kc; p++)
                {
                    float* src = b + (long)(pc + p) * ldb + jc + jr;
                    float* d = strip + p * NR;
                    if (nr == NR && Vector512.IsHardwareAccelerated)
                    {
                        Vector512.Store(Vector512.Load(src), d);
                        Vector512.Store(Vector512.Load(src + 16), d + 16);
                    }
                    else
                    {
                        int j = 0;
                        for (; j < nr; j++) d[j] = src[j];
                        for (; j < NR; j++) d[j] = 0f;
                    }
                }
            }
            else
            {
                for (int j = 0; j < NR; j++)
                {
                    if (j < nr)
                    {
                        float* src = b + (long)(jc + jr + j) * ldb + pc;
                        for (int p = 0; p < kc; p++) strip[p * NR + j] = src[p];
                    }
                    else
                        for (int p = 0; p < kc; p++) strip[p * NR + j] = 0f;
                }
            }
        }
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
