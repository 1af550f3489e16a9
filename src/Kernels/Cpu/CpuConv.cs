namespace KernelGan.Kernels.Cpu;

/// <summary>
/// Convolutions as im2col + GEMM, one image at a time so each image's column matrix stays in
/// cache, images spread over cores. A 1x1, stride-1, unpadded convolution skips the unfold.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    [ThreadStatic] private static float[]? t_cols;

    private static float* Scratch(ref float[]? slot, long length, out float[] array)
    {
        if (slot is null || slot.Length < length)
            slot = GC.AllocateUninitializedArray<float>((int)Math.Max(length, 1024), pinned: true);
        array = slot;
        return (float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref slot[0]);
    }

    private static bool IsPointwise(in ConvGeometry g) =>
        g.Kh == 1 && g.Kw == 1 && g.StrideH == 1 && g.StrideW == 1 && g.PadH == 0 && g.PadW == 0;

    public void Conv2dForward(in ConvGeometry g, DeviceBuffer x, DeviceBuffer w, DeviceBuffer? bias, DeviceBuffer y)
    {
        var geo = g;
        float* px = Ptr(x), pw = Ptr(w), pb = PtrOrNull(bias), py = Ptr(y);
        int k = g.Cin * g.Kh * g.Kw, plane = g.Hout * g.Wout;
        bool perImageThreads = g.N >= CpuParallel.Workers;
        ForImages(g.N, perImageThreads, n =>
        {
            float* image = px + (long)n * geo.Cin * geo.Hin * geo.Win;
            float* cols = image;
            if (!IsPointwise(geo))
            {
                cols = Scratch(ref t_cols, (long)k * plane, out _);
                Im2Col.Unfold(geo, image, cols);
            }
            float* outImage = py + (long)n * geo.Cout * plane;
            Gemm(perImageThreads, false, false, geo.Cout, plane, k, 1f, pw, k, cols, plane, 0f, outImage, plane);
            if (pb != null)
                for (int co = 0; co < geo.Cout; co++)
                {
                    float bv = pb[co];
                    float* row = outImage + (long)co * plane;
                    for (int p = 0; p < plane; p++) row[p] += bv;
                }
        });
    }

    public void Conv2dBackwardData(in ConvGeometry g, DeviceBuffer gy, DeviceBuffer w, DeviceBuffer gx)
    {
        var geo = g;
        float* pgy = Ptr(gy), pw = Ptr(w), pgx = Ptr(gx);
        int k = g.Cin * g.Kh * g.Kw, plane = g.Hout * g.Wout, imageSize = g.Cin * g.Hin * g.Win;
        bool perImageThreads = g.N >= CpuParallel.Workers;
        ForImages(g.N, perImageThreads, n =>
        {
            float* gradImage = pgx + (long)n * imageSize;
            float* gOut = pgy + (long)n * geo.Cout * plane;
            if (IsPointwise(geo))
            {
                Gemm(perImageThreads, true, false, k, plane, geo.Cout, 1f, pw, k, gOut, plane, 0f, gradImage, plane);
                return;
            }
            float* cols = Scratch(ref t_cols, (long)k * plane, out _);
            Gemm(perImageThreads, true, false, k, plane, geo.Cout, 1f, pw, k, gOut, plane, 0f, cols, plane);
            new Span<float>(gradImage, imageSize).Clear();
            Im2Col.FoldAdd(geo, cols, gradImage);
        });
    }

    public void Conv2dBackwardWeight(in ConvGeometry g, DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gw, DeviceBuffer? gbias)
    {
        var geo = g;
        float* px = Ptr(x), pgy = Ptr(gy), pgw = Ptr(gw), pgb = PtrOrNull(gbias);
        int k = g.Cin * g.Kh * g.Kw, plane = g.Hout * g.Wout, weightSize = g.Cout * k;
        int workers = Math.Min(CpuParallel.Workers, g.N);
        // Each worker sums its images' outer products into a private gradient; then the partials add up.
        var partials = new float[workers][];
        CpuParallel.ForEach(workers, wi =>
        {
            var acc = partials[wi] = GC.AllocateUninitializedArray<float>(weightSize, pinned: true);
            fixed (float* pacc = acc)
            {
                float* cols = null;
                for (int n = wi, first = 1; n < geo.N; n += workers, first = 0)
                {
                    float* image = px + (long)n * geo.Cin * geo.Hin * geo.Win;
                    if (IsPointwise(geo)) cols = image;
                    else
                    {
                        cols = Scratch(ref t_cols, (long)k * plane, out _);
                        Im2Col.Unfold(geo, image, cols);
                    }
                    float* gOut = pgy + (long)n * geo.Cout * plane;
                    GemmSingle(false, true, geo.Cout, k, plane, 1f, gOut, plane, cols, plane, first == 1 ? 0f : 1f, pacc, k);
                }
            }
        });
        fixed (float* p0 = partials[0])
        {
            new Span<float>(p0, weightSize).CopyTo(new Span<float>(pgw, weightSize));
        }
        for (int wi = 1; wi < workers; wi++)
            for (int i = 0; i < weightSize; i++) pgw[i] += partials[wi][i];

        if (pgb != null)
        {
            for (int co = 0; co < g.Cout; co++)
            {
                double s = 0;
                for (int n = 0; n < g.N; n++) s += SumRun(pgy + ((long)n * g.Cout + co) * plane, plane);
                pgb[co] = (float)s;
            }
        }
    }

    /// <summary>Runs body per image: in parallel across images, or serially with each GEMM parallel inside.</summary>
    private static void ForImages(int count, bool parallelAcrossImages, Action<int> body)
    {
        if (parallelAcrossImages) CpuParallel.ForEach(count, body);
        else for (int n = 0; n < count; n++) body(n);
    }

    private static void Gemm(bool singleThreaded, bool transA, bool transB, int m, int n, int k, float alpha,
                             float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        if (singleThreaded) GemmSingle(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        else GemmParallel(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }
}
