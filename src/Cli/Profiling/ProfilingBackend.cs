using System.Diagnostics;
using KernelGan.Kernels;

namespace KernelGan.Cli.Profiling;

/// <summary>
/// Wraps a backend and times every kernel call (wall clock, synchronized), aggregated by op family
/// and shape, so a train step can be broken down. Only for profiling: the bookkeeping costs about
/// a microsecond per call.
/// </summary>
public sealed class ProfilingBackend(IBackend inner) : DelegatingBackend(inner)
{
    private readonly Dictionary<string, (int Calls, long Ticks, double Flops)> _entries = new();

    public bool Recording { get; set; }

    /// <summary>When set, every convolution's operands are also counted for subnormal values (set only on untimed steps).</summary>
    public DenormalCensus? Census { get; set; }

    /// <summary>Counts one convolution's operands; the caller checks <see cref="Census"/> first, so a timed step builds no operand list.</summary>
    private void CountConv(DenormalCensus census, string kind, in ConvGeometry g, (string Name, DeviceBuffer Buffer, int Length)[] operands)
    {
        foreach (var (name, buffer, length) in operands) census.Count(Inner, $"{Conv(kind, g)} {name}", Unwrap(buffer), length);
    }

    public IReadOnlyDictionary<string, (int Calls, long Ticks, double Flops)> Entries => _entries;

    private long Start() => Stopwatch.GetTimestamp();

    private void Stop(long start, string key, double flops = 0)
    {
        Inner.Synchronize();
        if (!Recording) return;
        long ticks = Stopwatch.GetTimestamp() - start;
        _entries.TryGetValue(key, out var e);
        _entries[key] = (e.Calls + 1, e.Ticks + ticks, e.Flops + flops);
    }

    private static string Conv(string kind, in ConvGeometry g) =>
        $"conv.{kind} N{g.N} {g.Cin}x{g.Hin}x{g.Win}->{g.Cout}x{g.Hout}x{g.Wout} k{g.Kh}s{g.StrideH}p{g.PadH}";

    public override string Name => $"profiled {Inner.Name}";

    public override DeviceBuffer Allocate(int length)
    {
        long t = Start();
        var b = base.Allocate(length);
        Stop(t, "memory.allocate");
        return b;
    }

    public override void Upload(ReadOnlySpan<float> source, DeviceBuffer destination, int destinationOffset = 0)
    { long t = Start(); base.Upload(source, destination, destinationOffset); Stop(t, "memory.upload"); }

    public override void Download(DeviceBuffer source, int sourceOffset, Span<float> destination)
    { long t = Start(); base.Download(source, sourceOffset, destination); Stop(t, "memory.download"); }

    public override void Fill(DeviceBuffer buffer, int offset, int length, float value)
    { long t = Start(); base.Fill(buffer, offset, length, value); Stop(t, "memory.fill"); }

    public override void Copy2D(DeviceBuffer src, int srcOffset, int srcStride, DeviceBuffer dst, int dstOffset, int dstStride, int rows, int cols)
    { long t = Start(); base.Copy2D(src, srcOffset, srcStride, dst, dstOffset, dstStride, rows, cols); Stop(t, "memory.copy2d"); }

    public override void Unary(UnaryOp op, DeviceBuffer x, DeviceBuffer y, int n, float a = 0, float b = 0)
    { long t = Start(); base.Unary(op, x, y, n, a, b); Stop(t, $"unary.{op} n{n}"); }

    public override void UnaryBackward(UnaryOp op, DeviceBuffer x, DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx, int n, float a = 0, float b = 0)
    { long t = Start(); base.UnaryBackward(op, x, y, gy, gx, n, a, b); Stop(t, $"unary-bwd.{op} n{n}"); }

    public override void Binary(BinaryOp op, DeviceBuffer a, int[] aShape, DeviceBuffer b, int[] bShape, DeviceBuffer y, int[] yShape)
    { long t = Start(); base.Binary(op, a, aShape, b, bShape, y, yShape); Stop(t, $"binary.{op} {Shape.Format(aShape)}{Shape.Format(bShape)}"); }

    public override void BinaryBackward(BinaryOp op, DeviceBuffer a, int[] aShape, DeviceBuffer b, int[] bShape, DeviceBuffer gy, int[] yShape, DeviceBuffer? ga, DeviceBuffer? gb)
    { long t = Start(); base.BinaryBackward(op, a, aShape, b, bShape, gy, yShape, ga, gb); Stop(t, $"binary-bwd.{op} {Shape.Format(aShape)}{Shape.Format(bShape)}"); }

    public override void Axpby(float alpha, DeviceBuffer x, float beta, DeviceBuffer y, int n)
    { long t = Start(); base.Axpby(alpha, x, beta, y, n); Stop(t, "axpby"); }

    public override void ReduceSum(DeviceBuffer x, DeviceBuffer y, int outer, int mid, int inner_)
    { long t = Start(); base.ReduceSum(x, y, outer, mid, inner_); Stop(t, $"reduce.sum [{outer},{mid},{inner_}]"); }

    public override void LogSumExp(DeviceBuffer x, DeviceBuffer y, int outer, int mid, int inner_)
    { long t = Start(); base.LogSumExp(x, y, outer, mid, inner_); Stop(t, "reduce.logsumexp"); }

    public override void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, DeviceBuffer a, int aOffset, int lda, long strideA,
                     DeviceBuffer b, int bOffset, int ldb, long strideB, float beta, DeviceBuffer c, int cOffset, int ldc, long strideC, int batch = 1)
    {
        long t = Start();
        base.Gemm(transA, transB, m, n, k, alpha, a, aOffset, lda, strideA, b, bOffset, ldb, strideB, beta, c, cOffset, ldc, strideC, batch);
        Stop(t, $"gemm {m}x{n}x{k}x{batch}", 2.0 * m * n * k * batch);
    }

    public override void Conv2dForward(in ConvGeometry g, DeviceBuffer x, DeviceBuffer w, DeviceBuffer? bias, DeviceBuffer y)
    {
        long t = Start(); base.Conv2dForward(g, x, w, bias, y); Stop(t, Conv("fwd", g), 2.0 * g.MacCount);
        if (Census is { } census) CountConv(census, "fwd", g, [("x", x, g.InputSize), ("w", w, g.WeightSize), ("y", y, g.OutputSize)]);
    }

    public override void Conv2dBackwardData(in ConvGeometry g, DeviceBuffer gy, DeviceBuffer w, DeviceBuffer gx)
    {
        long t = Start(); base.Conv2dBackwardData(g, gy, w, gx); Stop(t, Conv("bwd-data", g), 2.0 * g.MacCount);
        if (Census is { } census) CountConv(census, "bwd-data", g, [("gy", gy, g.OutputSize), ("w", w, g.WeightSize), ("gx", gx, g.InputSize)]);
    }

    public override void Conv2dBackwardWeight(in ConvGeometry g, DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gw, DeviceBuffer? gbias)
    {
        long t = Start(); base.Conv2dBackwardWeight(g, x, gy, gw, gbias); Stop(t, Conv("bwd-weight", g), 2.0 * g.MacCount);
        if (Census is { } census) CountConv(census, "bwd-weight", g, [("x", x, g.InputSize), ("gy", gy, g.OutputSize), ("gw", gw, g.WeightSize)]);
    }

    public override void BatchNormForwardTrain(DeviceBuffer x, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer y, DeviceBuffer saveMean, DeviceBuffer saveInvStd,
                                      DeviceBuffer runningMean, DeviceBuffer runningVar, int n, int c, int hw, float eps, float momentum)
    { long t = Start(); base.BatchNormForwardTrain(x, gamma, beta, y, saveMean, saveInvStd, runningMean, runningVar, n, c, hw, eps, momentum); Stop(t, $"batchnorm.fwd [{n},{c},{hw}]"); }

    public override void BatchNormForwardEval(DeviceBuffer x, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer runningMean, DeviceBuffer runningVar, DeviceBuffer y, int n, int c, int hw, float eps)
    { long t = Start(); base.BatchNormForwardEval(x, gamma, beta, runningMean, runningVar, y, n, c, hw, eps); Stop(t, "batchnorm.eval"); }

    public override void BatchNormBackward(DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gamma, DeviceBuffer saveMean, DeviceBuffer saveInvStd,
                                  DeviceBuffer gx, DeviceBuffer ggamma, DeviceBuffer gbeta, int n, int c, int hw)
    { long t = Start(); base.BatchNormBackward(x, gy, gamma, saveMean, saveInvStd, gx, ggamma, gbeta, n, c, hw); Stop(t, $"batchnorm.bwd [{n},{c},{hw}]"); }

    public override void Translate(DeviceBuffer x, DeviceBuffer y, int n, int c, int h, int w, IndexBuffer dx, IndexBuffer dy)
    { long t = Start(); base.Translate(x, y, n, c, h, w, dx, dy); Stop(t, $"spatial.translate [{n},{c},{h},{w}]"); }

    public override void UpsampleNearest(DeviceBuffer x, DeviceBuffer y, int n, int c, int h, int w, int factor)
    { long t = Start(); base.UpsampleNearest(x, y, n, c, h, w, factor); Stop(t, "spatial.upsample-nearest"); }

    public override void UpsampleNearestBackward(DeviceBuffer gy, DeviceBuffer gx, int n, int c, int h, int w, int factor)
    { long t = Start(); base.UpsampleNearestBackward(gy, gx, n, c, h, w, factor); Stop(t, "spatial.upsample-nearest-bwd"); }

    public override void UpsampleBilinear(DeviceBuffer x, DeviceBuffer y, int n, int c, int h, int w, int outH, int outW, bool alignCorners)
    { long t = Start(); base.UpsampleBilinear(x, y, n, c, h, w, outH, outW, alignCorners); Stop(t, "spatial.upsample-bilinear"); }

    public override void UpsampleBilinearBackward(DeviceBuffer gy, DeviceBuffer gx, int n, int c, int h, int w, int outH, int outW, bool alignCorners)
    { long t = Start(); base.UpsampleBilinearBackward(gy, gx, n, c, h, w, outH, outW, alignCorners); Stop(t, "spatial.upsample-bilinear-bwd"); }

    public override void AvgPool2d(DeviceBuffer x, DeviceBuffer y, int n, int c, int h, int w, int k, int stride)
    { long t = Start(); base.AvgPool2d(x, y, n, c, h, w, k, stride); Stop(t, "spatial.avgpool"); }

    public override void AvgPool2dBackward(DeviceBuffer gy, DeviceBuffer gx, int n, int c, int h, int w, int k, int stride)
    { long t = Start(); base.AvgPool2dBackward(gy, gx, n, c, h, w, k, stride); Stop(t, "spatial.avgpool-bwd"); }

    public override void AffineGrid(DeviceBuffer theta, DeviceBuffer grid, int n, int h, int w, bool alignCorners)
    { long t = Start(); base.AffineGrid(theta, grid, n, h, w, alignCorners); Stop(t, "spatial.affine-grid"); }

    public override void AffineGridBackward(DeviceBuffer ggrid, DeviceBuffer gtheta, int n, int h, int w, bool alignCorners)
    { long t = Start(); base.AffineGridBackward(ggrid, gtheta, n, h, w, alignCorners); Stop(t, "spatial.affine-grid-bwd"); }

    public override void GridSample(DeviceBuffer x, DeviceBuffer grid, DeviceBuffer y, int n, int c, int hin, int win, int hout, int wout, bool alignCorners)
    { long t = Start(); base.GridSample(x, grid, y, n, c, hin, win, hout, wout, alignCorners); Stop(t, "spatial.grid-sample"); }

    public override void GridSampleBackward(DeviceBuffer x, DeviceBuffer grid, DeviceBuffer gy, DeviceBuffer? gx, DeviceBuffer? ggrid, int n, int c, int hin, int win, int hout, int wout, bool alignCorners)
    { long t = Start(); base.GridSampleBackward(x, grid, gy, gx, ggrid, n, c, hin, win, hout, wout, alignCorners); Stop(t, "spatial.grid-sample-bwd"); }

    public override void Composite(DeviceBuffer m, DeviceBuffer fg, DeviceBuffer bg, DeviceBuffer y, int n, int c, int hw)
    { long t = Start(); base.Composite(m, fg, bg, y, n, c, hw); Stop(t, $"layered.composite [{n},{c},{hw}]"); }

    public override void CompositeBackward(DeviceBuffer m, DeviceBuffer fg, DeviceBuffer bg, DeviceBuffer gy, DeviceBuffer? gm, DeviceBuffer? gfg, DeviceBuffer? gbg, int n, int c, int hw)
    { long t = Start(); base.CompositeBackward(m, fg, bg, gy, gm, gfg, gbg, n, c, hw); Stop(t, $"layered.composite-bwd [{n},{c},{hw}]"); }

    public override void RowL1Distance(DeviceBuffer x, DeviceBuffer y, IndexBuffer? perm, DeviceBuffer output, int n, int d)
    { long t = Start(); base.RowL1Distance(x, y, perm, output, n, d); Stop(t, $"layered.row-l1 [{n},{d}]"); }

    public override void RowL1DistanceBackward(DeviceBuffer x, DeviceBuffer y, IndexBuffer? perm, DeviceBuffer gOutput, DeviceBuffer? gx, DeviceBuffer? gy, int n, int d)
    { long t = Start(); base.RowL1DistanceBackward(x, y, perm, gOutput, gx, gy, n, d); Stop(t, $"layered.row-l1-bwd [{n},{d}]"); }

    public override void GatherRows(DeviceBuffer x, IndexBuffer index, DeviceBuffer y, int rows, int rowLength)
    { long t = Start(); base.GatherRows(x, index, y, rows, rowLength); Stop(t, "layered.gather-rows"); }

    public override void ScatterAddRows(DeviceBuffer gy, IndexBuffer index, DeviceBuffer gx, int rows, int sourceRows, int rowLength)
    { long t = Start(); base.ScatterAddRows(gy, index, gx, rows, sourceRows, rowLength); Stop(t, "layered.scatter-add-rows"); }

    public override void AdamStep(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v, int n, float stepSize, float beta1, float beta2,
                         float epsHat, float weightDecay, float lr, bool decoupled)
    { long t = Start(); base.AdamStep(param, grad, m, v, n, stepSize, beta1, beta2, epsHat, weightDecay, lr, decoupled); Stop(t, "optim.adam"); }

    public override void AdamStepSegments(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v, ReadOnlySpan<BufferSegment> segments,
                                          float stepSize, float beta1, float beta2, float epsHat, float weightDecay, float lr, bool decoupled)
    { long t = Start(); base.AdamStepSegments(param, grad, m, v, segments, stepSize, beta1, beta2, epsHat, weightDecay, lr, decoupled); Stop(t, "optim.adam"); }

    public override void AxpbySegments(float alpha, DeviceBuffer x, float beta, DeviceBuffer y, ReadOnlySpan<BufferSegment> segments)
    { long t = Start(); base.AxpbySegments(alpha, x, beta, y, segments); Stop(t, "axpby"); }

    public override void FillUniform(DeviceBuffer buffer, int n, ulong seed, ulong offset, float lo, float hi)
    { long t = Start(); base.FillUniform(buffer, n, seed, offset, lo, hi); Stop(t, "random.uniform"); }

    public override void FillNormal(DeviceBuffer buffer, int n, ulong seed, ulong offset, float mean, float std)
    { long t = Start(); base.FillNormal(buffer, n, seed, offset, mean, std); Stop(t, "random.normal"); }
}
