using System.Diagnostics;
using KernelGan.Kernels;

namespace KernelGan.Cli.Profiling;

/// <summary>
/// Wraps a backend and times every kernel call (wall clock, synchronized), aggregated by op family
/// and shape, so a train step can be broken down. Only for profiling: the bookkeeping costs about
/// a microsecond per call.
/// </summary>
public sealed class ProfilingBackend(IBackend inner) : IBackend
{
    private readonly Dictionary<string, (int Calls, long Ticks, double Flops)> _entries = new();

    public bool Recording { get; set; }

    public IReadOnlyDictionary<string, (int Calls, long Ticks, double Flops)> Entries => _entries;

    private long Start() => Stopwatch.GetTimestamp();

    private void Stop(long start, string key, double flops = 0)
    {
        inner.Synchronize();
        if (!Recording) return;
        long ticks = Stopwatch.GetTimestamp() - start;
        _entries.TryGetValue(key, out var e);
        _entries[key] = (e.Calls + 1, e.Ticks + ticks, e.Flops + flops);
    }

    private static DeviceBuffer U(DeviceBuffer b) => ((ProfiledBuffer)b).Inner;
    private static DeviceBuffer? UN(DeviceBuffer? b) => b is null ? null : U(b);

    private static string Conv(string kind, in ConvGeometry g) =>
        $"conv.{kind} N{g.N} {g.Cin}x{g.Hin}x{g.Win}->{g.Cout}x{g.Hout}x{g.Wout} k{g.Kh}s{g.StrideH}p{g.PadH}";

    public string Name => $"profiled {inner.Name}";
    public (long InUse, long Pooled) MemoryStats => inner.MemoryStats;
    public void Dispose() => inner.Dispose();
    public void Synchronize() => inner.Synchronize();

    public DeviceBuffer Allocate(int length)
    {
        long t = Start();
        var b = new ProfiledBuffer(this, inner.Allocate(length));
        Stop(t, "memory.allocate");
        return b;
    }

    public IndexBuffer UploadIndices(ReadOnlySpan<int> indices) => inner.UploadIndices(indices);

    public void Upload(ReadOnlySpan<float> source, DeviceBuffer destination, int destinationOffset = 0)
    { long t = Start(); inner.Upload(source, U(destination), destinationOffset); Stop(t, "memory.upload"); }

    public void Download(DeviceBuffer source, int sourceOffset, Span<float> destination)
    { long t = Start(); inner.Download(U(source), sourceOffset, destination); Stop(t, "memory.download"); }

    public void Fill(DeviceBuffer buffer, int offset, int length, float value)
    { long t = Start(); inner.Fill(U(buffer), offset, length, value); Stop(t, "memory.fill"); }

    public void Copy2D(DeviceBuffer src, int srcOffset, int srcStride, DeviceBuffer dst, int dstOffset, int dstStride, int rows, int cols)
    { long t = Start(); inner.Copy2D(U(src), srcOffset, srcStride, U(dst), dstOffset, dstStride, rows, cols); Stop(t, "memory.copy2d"); }

    public void Unary(UnaryOp op, DeviceBuffer x, DeviceBuffer y, int n, float a = 0, float b = 0)
    { long t = Start(); inner.Unary(op, U(x), U(y), n, a, b); Stop(t, $"unary.{op} n{n}"); }

    public void UnaryBackward(UnaryOp op, DeviceBuffer x, DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx, int n, float a = 0, float b = 0)
    { long t = Start(); inner.UnaryBackward(op, U(x), U(y), U(gy), U(gx), n, a, b); Stop(t, $"unary-bwd.{op} n{n}"); }

    public void Binary(BinaryOp op, DeviceBuffer a, int[] aShape, DeviceBuffer b, int[] bShape, DeviceBuffer y, int[] yShape)
    { long t = Start(); inner.Binary(op, U(a), aShape, U(b), bShape, U(y), yShape); Stop(t, $"binary.{op} {Shape.Format(aShape)}{Shape.Format(bShape)}"); }

    public void BinaryBackward(BinaryOp op, DeviceBuffer a, int[] aShape, DeviceBuffer b, int[] bShape, DeviceBuffer gy, int[] yShape, DeviceBuffer? ga, DeviceBuffer? gb)
    { long t = Start(); inner.BinaryBackward(op, U(a), aShape, U(b), bShape, U(gy), yShape, UN(ga), UN(gb)); Stop(t, $"binary-bwd.{op} {Shape.Format(aShape)}{Shape.Format(bShape)}"); }

    public void Axpby(float alpha, DeviceBuffer x, float beta, DeviceBuffer y, int n)
    { long t = Start(); inner.Axpby(alpha, U(x), beta, U(y), n); Stop(t, "axpby"); }

    public void ReduceSum(DeviceBuffer x, DeviceBuffer y, int outer, int mid, int inner_)
    { long t = Start(); inner.ReduceSum(U(x), U(y), outer, mid, inner_); Stop(t, $"reduce.sum [{outer},{mid},{inner_}]"); }

    public void LogSumExp(DeviceBuffer x, DeviceBuffer y, int outer, int mid, int inner_)
    { long t = Start(); inner.LogSumExp(U(x), U(y), outer, mid, inner_); Stop(t, "reduce.logsumexp"); }

    public void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, DeviceBuffer a, int aOffset, int lda, long strideA,
                     DeviceBuffer b, int bOffset, int ldb, long strideB, float beta, DeviceBuffer c, int cOffset, int ldc, long strideC, int batch = 1)
    {
        long t = Start();
        inner.Gemm(transA, transB, m, n, k, alpha, U(a), aOffset, lda, strideA, U(b), bOffset, ldb, strideB, beta, U(c), cOffset, ldc, strideC, batch);
        Stop(t, $"gemm {m}x{n}x{k}x{batch}", 2.0 * m * n * k * batch);
    }

    public void Conv2dForward(in ConvGeometry g, DeviceBuffer x, DeviceBuffer w, DeviceBuffer? bias, DeviceBuffer y)
    { long t = Start(); inner.Conv2dForward(g, U(x), U(w), UN(bias), U(y)); Stop(t, Conv("fwd", g), 2.0 * g.MacCount); }

    public void Conv2dBackwardData(in ConvGeometry g, DeviceBuffer gy, DeviceBuffer w, DeviceBuffer gx)
    { long t = Start(); inner.Conv2dBackwardData(g, U(gy), U(w), U(gx)); Stop(t, Conv("bwd-data", g), 2.0 * g.MacCount); }

    public void Conv2dBackwardWeight(in ConvGeometry g, DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gw, DeviceBuffer? gbias)
    { long t = Start(); inner.Conv2dBackwardWeight(g, U(x), U(gy), U(gw), UN(gbias)); Stop(t, Conv("bwd-weight", g), 2.0 * g.MacCount); }

    public void BatchNormForwardTrain(DeviceBuffer x, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer y, DeviceBuffer saveMean, DeviceBuffer saveInvStd,
                                      DeviceBuffer runningMean, DeviceBuffer runningVar, int n, int c, int hw, float eps, float momentum)
    { long t = Start(); inner.BatchNormForwardTrain(U(x), U(gamma), U(beta), U(y), U(saveMean), U(saveInvStd), U(runningMean), U(runningVar), n, c, hw, eps, momentum); Stop(t, $"batchnorm.fwd [{n},{c},{hw}]"); }

    public void BatchNormForwardEval(DeviceBuffer x, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer runningMean, DeviceBuffer runningVar, DeviceBuffer y, int n, int c, int hw, float eps)
    { long t = Start(); inner.BatchNormForwardEval(U(x), U(gamma), U(beta), U(runningMean), U(runningVar), U(y), n, c, hw, eps); Stop(t, "batchnorm.eval"); }

    public void BatchNormBackward(DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gamma, DeviceBuffer saveMean, DeviceBuffer saveInvStd,
                                  DeviceBuffer gx, DeviceBuffer ggamma, DeviceBuffer gbeta, int n, int c, int hw)
    { long t = Start(); inner.BatchNormBackward(U(x), U(gy), U(gamma), U(saveMean), U(saveInvStd), U(gx), U(ggamma), U(gbeta), n, c, hw); Stop(t, $"batchnorm.bwd [{n},{c},{hw}]"); }

    public void Translate(DeviceBuffer x, DeviceBuffer y, int n, int c, int h, int w, IndexBuffer dx, IndexBuffer dy)
    { long t = Start(); inner.Translate(U(x), U(y), n, c, h, w, dx, dy); Stop(t, $"spatial.translate [{n},{c},{h},{w}]"); }

    public void UpsampleNearest(DeviceBuffer x, DeviceBuffer y, int n, int c, int h, int w, int factor)
    { long t = Start(); inner.UpsampleNearest(U(x), U(y), n, c, h, w, factor); Stop(t, "spatial.upsample-nearest"); }

    public void UpsampleNearestBackward(DeviceBuffer gy, DeviceBuffer gx, int n, int c, int h, int w, int factor)
    { long t = Start(); inner.UpsampleNearestBackward(U(gy), U(gx), n, c, h, w, factor); Stop(t, "spatial.upsample-nearest-bwd"); }

    public void UpsampleBilinear(DeviceBuffer x, DeviceBuffer y, int n, int c, int h, int w, int outH, int outW, bool alignCorners)
    { long t = Start(); inner.UpsampleBilinear(U(x), U(y), n, c, h, w, outH, outW, alignCorners); Stop(t, "spatial.upsample-bilinear"); }

    public void UpsampleBilinearBackward(DeviceBuffer gy, DeviceBuffer gx, int n, int c, int h, int w, int outH, int outW, bool alignCorners)
    { long t = Start(); inner.UpsampleBilinearBackward(U(gy), U(gx), n, c, h, w, outH, outW, alignCorners); Stop(t, "spatial.upsample-bilinear-bwd"); }

    public void AvgPool2d(DeviceBuffer x, DeviceBuffer y, int n, int c, int h, int w, int k, int stride)
    { long t = Start(); inner.AvgPool2d(U(x), U(y), n, c, h, w, k, stride); Stop(t, "spatial.avgpool"); }

    public void AvgPool2dBackward(DeviceBuffer gy, DeviceBuffer gx, int n, int c, int h, int w, int k, int stride)
    { long t = Start(); inner.AvgPool2dBackward(U(gy), U(gx), n, c, h, w, k, stride); Stop(t, "spatial.avgpool-bwd"); }

    public void AffineGrid(DeviceBuffer theta, DeviceBuffer grid, int n, int h, int w, bool alignCorners)
    { long t = Start(); inner.AffineGrid(U(theta), U(grid), n, h, w, alignCorners); Stop(t, "spatial.affine-grid"); }

    public void AffineGridBackward(DeviceBuffer ggrid, DeviceBuffer gtheta, int n, int h, int w, bool alignCorners)
    { long t = Start(); inner.AffineGridBackward(U(ggrid), U(gtheta), n, h, w, alignCorners); Stop(t, "spatial.affine-grid-bwd"); }

    public void GridSample(DeviceBuffer x, DeviceBuffer grid, DeviceBuffer y, int n, int c, int hin, int win, int hout, int wout, bool alignCorners)
    { long t = Start(); inner.GridSample(U(x), U(grid), U(y), n, c, hin, win, hout, wout, alignCorners); Stop(t, "spatial.grid-sample"); }

    public void GridSampleBackward(DeviceBuffer x, DeviceBuffer grid, DeviceBuffer gy, DeviceBuffer? gx, DeviceBuffer? ggrid, int n, int c, int hin, int win, int hout, int wout, bool alignCorners)
    { long t = Start(); inner.GridSampleBackward(U(x), U(grid), U(gy), UN(gx), UN(ggrid), n, c, hin, win, hout, wout, alignCorners); Stop(t, "spatial.grid-sample-bwd"); }

    public void Composite(DeviceBuffer m, DeviceBuffer fg, DeviceBuffer bg, DeviceBuffer y, int n, int c, int hw)
    { long t = Start(); inner.Composite(U(m), U(fg), U(bg), U(y), n, c, hw); Stop(t, $"layered.composite [{n},{c},{hw}]"); }

    public void CompositeBackward(DeviceBuffer m, DeviceBuffer fg, DeviceBuffer bg, DeviceBuffer gy, DeviceBuffer? gm, DeviceBuffer? gfg, DeviceBuffer? gbg, int n, int c, int hw)
    { long t = Start(); inner.CompositeBackward(U(m), U(fg), U(bg), U(gy), UN(gm), UN(gfg), UN(gbg), n, c, hw); Stop(t, $"layered.composite-bwd [{n},{c},{hw}]"); }

    public void RowL1Distance(DeviceBuffer x, DeviceBuffer y, IndexBuffer? perm, DeviceBuffer output, int n, int d)
    { long t = Start(); inner.RowL1Distance(U(x), U(y), perm, U(output), n, d); Stop(t, $"layered.row-l1 [{n},{d}]"); }

    public void RowL1DistanceBackward(DeviceBuffer x, DeviceBuffer y, IndexBuffer? perm, DeviceBuffer gOutput, DeviceBuffer? gx, DeviceBuffer? gy, int n, int d)
    { long t = Start(); inner.RowL1DistanceBackward(U(x), U(y), perm, U(gOutput), UN(gx), UN(gy), n, d); Stop(t, $"layered.row-l1-bwd [{n},{d}]"); }

    public void GatherRows(DeviceBuffer x, IndexBuffer index, DeviceBuffer y, int rows, int rowLength)
    { long t = Start(); inner.GatherRows(U(x), index, U(y), rows, rowLength); Stop(t, "layered.gather-rows"); }

    public void ScatterAddRows(DeviceBuffer gy, IndexBuffer index, DeviceBuffer gx, int rows, int sourceRows, int rowLength)
    { long t = Start(); inner.ScatterAddRows(U(gy), index, U(gx), rows, sourceRows, rowLength); Stop(t, "layered.scatter-add-rows"); }

    public void AdamStep(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v, int n, float stepSize, float beta1, float beta2,
                         float epsHat, float weightDecay, float lr, bool decoupled)
    { long t = Start(); inner.AdamStep(U(param), U(grad), U(m), U(v), n, stepSize, beta1, beta2, epsHat, weightDecay, lr, decoupled); Stop(t, "optim.adam"); }

    public void FillUniform(DeviceBuffer buffer, int n, ulong seed, ulong offset, float lo, float hi)
    { long t = Start(); inner.FillUniform(U(buffer), n, seed, offset, lo, hi); Stop(t, "random.uniform"); }

    public void FillNormal(DeviceBuffer buffer, int n, ulong seed, ulong offset, float mean, float std)
    { long t = Start(); inner.FillNormal(U(buffer), n, seed, offset, mean, std); Stop(t, "random.normal"); }
}
