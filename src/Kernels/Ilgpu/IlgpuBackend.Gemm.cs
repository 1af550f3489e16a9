using ILGPU;
using ILGPU.Runtime;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>GEMM: plans the launch (<see cref="GemmPlan"/>), runs the tiled kernel, and reduces split-k partials.</summary>
public sealed partial class IlgpuBackend
{
    /// <summary>Grid z limit of CUDA (batch * splits share it).</summary>
    private const int MaxGridZ = 65535;

    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArgs>? _gemm32, _gemm64, _gemm128;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, SplitKArgs>? _splitReduce;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, SplitFoldArgs>? _splitFold;

    /// <summary>Test hook: forces a tile size (the simulator needs a 256-thread group limit for 128-tiles).</summary>
    internal GemmTileSize? ForcedGemmTile { get; set; }

    /// <summary>Test hook: forces the number of k splits.</summary>
    internal int? ForcedGemmSplits { get; set; }

    public void Gemm(bool transA, bool transB, int m, int n, int k, float alpha,
                     DeviceBuffer a, int aOffset, int lda, long strideA,
                     DeviceBuffer b, int bOffset, int ldb, long strideB,
                     float beta, DeviceBuffer c, int cOffset, int ldc, long strideC, int batch = 1)
    {
        if (m <= 0 || n <= 0 || batch <= 0) return;
        GemmViews(transA, transB, m, n, k, alpha, View(a).SubView(aOffset, View(a).Length - aOffset), lda, BatchStride(strideA, batch),
                  View(b).SubView(bOffset, View(b).Length - bOffset), ldb, BatchStride(strideB, batch),
                  beta, View(c).SubView(cOffset, View(c).Length - cOffset), ldc, BatchStride(strideC, batch), batch);
    }

    /// <summary>
    /// Kernels index in 32 bits (every buffer holds fewer than 2^31 floats, so every in-bounds
    /// offset fits); a single matrix's stride is never used, whatever its value.
    /// </summary>
    private static int BatchStride(long stride, int batch) => batch == 1 ? 0 : checked((int)stride);

    /// <summary>GEMM on views that start at each matrix (the conv kernels call this directly).</summary>
    internal void GemmViews(bool transA, bool transB, int m, int n, int k, float alpha,
                            ArrayView<float> a, int lda, int strideA, ArrayView<float> b, int ldb, int strideB,
                            float beta, ArrayView<float> c, int ldc, int strideC, int batch)
    {
        var plan = GemmPlan.Choose(m, n, k, batch, _accelerator.NumMultiprocessors, IsSimulator, ForcedGemmTile, ForcedGemmSplits);
        int maxBatch = Math.Max(1, MaxGridZ / plan.Splits);
        for (int first = 0; first < batch; first += maxBatch)
        {
            int count = Math.Min(maxBatch, batch - first);
            var aPart = a.SubView((long)first * strideA, a.Length - (long)first * strideA);
            var bPart = b.SubView((long)first * strideB, b.Length - (long)first * strideB);
            var cPart = c.SubView((long)first * strideC, c.Length - (long)first * strideC);
            var args = new GemmArgs
            {
                M = m, N = n, K = k, Lda = lda, Ldb = ldb, Ldc = ldc,
                StrideA = strideA, StrideB = strideB, StrideC = strideC,
                Alpha = alpha, Beta = beta, TransA = transA ? 1 : 0, TransB = transB ? 1 : 0,
                Splits = 1, KChunk = Math.Max(k, 1), SplitStrideC = 0,
            };
            if (plan.Splits == 1)
            {
                LaunchGemm(plan.Tile, aPart, bPart, cPart, args, count);
                continue;
            }
            // Split k: each split writes its partial product to dense scratch [count, splits, m, n],
            // then one pass sums them into C with alpha and beta (after a fold when there are many).
            var partials = Scratch((long)m * n * plan.Splits * count);
            int plane = m * n;
            args.Alpha = 1f;
            args.Beta = 0f;
            args.Ldc = n;
            args.StrideC = plane * plan.Splits;
            args.Splits = plan.Splits;
            args.KChunk = plan.KChunk;
            args.SplitStrideC = plane;
            LaunchGemm(plan.Tile, aPart, bPart, partials.View, args, count);
            int splits = plan.Splits;
            if (splits > SplitKKernel.FoldWidth)
            {
                int folded = (splits + SplitKKernel.FoldWidth - 1) / SplitKKernel.FoldWidth;
                var sums = Scratch((long)plane * folded * count);
                Launch(ref _splitFold, SplitKKernel.Fold)(_stream, Linear((long)plane * folded * count), partials.View, sums.View,
                    new SplitFoldArgs(plane, count, splits, folded));
                partials.Release();
                (partials, splits) = (sums, folded);
            }
            Launch(ref _splitReduce, SplitKKernel.Reduce)(_stream, Linear(plane * count), partials.View, cPart,
                new SplitKArgs(m, n, count, splits, ldc, strideC, alpha, beta));
            partials.Release();
        }
    }

    private void LaunchGemm(GemmTileSize tile, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmArgs args, int batch)
    {
        if (Precision != GemmPrecision.Fp32)
        {
            LaunchTensorGemm(tile, a, b, c, args, batch);
            return;
        }
        int size = (int)tile, threads = size / 8;
        var config = new KernelConfig(
            new Index3D((args.N + size - 1) / size, (args.M + size - 1) / size, batch * args.Splits),
            new Index3D(threads * threads, 1, 1));
        var launcher = tile switch
        {
            GemmTileSize.Tile32 => Launch(ref _gemm32, GemmKernel.Gemm<GemmTile32>),
            GemmTileSize.Tile64 => Launch(ref _gemm64, GemmKernel.Gemm<GemmTile64>),
            _ => Launch(ref _gemm128, GemmKernel.Gemm<GemmTile128>),
        };
        launcher(_stream, config, a, b, c, args);
    }
}
