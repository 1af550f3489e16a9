using KernelGan.Kernels;
using KernelGan.Kernels.Cpu;

namespace KernelGan.Tests.Ilgpu;

/// <summary>The CPU backend with a deliberately wrong Tanh: proves the comparison suite notices errors.</summary>
internal sealed class SkewedTanhBackend : IBackend
{
    private readonly CpuBackend _inner = new();

    public string Name => "skewed-tanh";
    public DeviceBuffer Allocate(int length) => _inner.Allocate(length);
    public IndexBuffer UploadIndices(ReadOnlySpan<int> indices) => _inner.UploadIndices(indices);
    public void Upload(ReadOnlySpan<float> source, DeviceBuffer destination, int destinationOffset = 0) => _inner.Upload(source, destination, destinationOffset);
    public void Download(DeviceBuffer source, int sourceOffset, Span<float> destination) => _inner.Download(source, sourceOffset, destination);
    public void Fill(DeviceBuffer buffer, int offset, int length, float value) => _inner.Fill(buffer, offset, length, value);
    public void Copy2D(DeviceBuffer src, int srcOffset, int srcStride, DeviceBuffer dst, int dstOffset, int dstStride, int rows, int cols) =>
        _inner.Copy2D(src, srcOffset, srcStride, dst, dstOffset, dstStride, rows, cols);
    public void Synchronize() => _inner.Synchronize();
    public (long InUse, long Pooled) MemoryStats => _inner.MemoryStats;

    public void Unary(UnaryOp op, DeviceBuffer x, DeviceBuffer y, int n, float a = 0, float b = 0)
    {
        _inner.Unary(op, x, y, n, a, b);
        if (op == UnaryOp.Tanh) _inner.Unary(UnaryOp.Affine, y, y, n, 1f, 1e-3f);
    }

    public void UnaryBackward(UnaryOp op, DeviceBuffer x, DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx, int n, float a = 0, float b = 0) =>
        _inner.UnaryBackward(op, x, y, gy, gx, n, a, b);
    public void Binary(BinaryOp op, DeviceBuffer a, int[] aShape, DeviceBuffer b, int[] bShape, DeviceBuffer y, int[] yShape) =>
        _inner.Binary(op, a, aShape, b, bShape, y, yShape);
    public void BinaryBackward(BinaryOp op, DeviceBuffer a, int[] aShape, DeviceBuffer b, int[] bShape, DeviceBuffer gy, int[] yShape, DeviceBuffer? ga, DeviceBuffer? gb) =>
        _inner.BinaryBackward(op, a, aShape, b, bShape, gy, yShape, ga, gb);
    public void Axpby(float alpha, DeviceBuffer x, float beta, DeviceBuffer y, int n) => _inner.Axpby(alpha, x, beta, y, n);
    public void ReduceSum(DeviceBuffer x, DeviceBuffer y, int outer, int mid, int inner) => _inner.ReduceSum(x, y, outer, mid, inner);
    public void LogSumExp(DeviceBuffer x, DeviceBuffer y, int outer, int mid, int inner) => _inner.LogSumExp(x, y, outer, mid, inner);
    public void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, DeviceBuffer a, int aOffset, int lda, long strideA,
                     DeviceBuffer b, int bOffset, int ldb, long strideB, float beta, DeviceBuffer c, int cOffset, int ldc, long strideC, int batch = 1) =>
        _inner.Gemm(transA, transB, m, n, k, alpha, a, aOffset, lda, strideA, b, bOffset, ldb, strideB, beta, c, cOffset, ldc, strideC, batch);
    public void Conv2dForward(in ConvGeometry g, DeviceBuffer x, DeviceBuffer w, DeviceBuffer? bias, DeviceBuffer y) => _inner.Conv2dForward(g, x, w, bias, y);
    public void Conv2dBackwardData(in ConvGeometry g, DeviceBuffer gy, DeviceBuffer w, DeviceBuffer gx) => _inner.Conv2dBackwardData(g, gy, w, gx);
    public void Conv2dBackwardWeight(in ConvGeometry g, DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gw, DeviceBuffer? gbias) => _inner.Conv2dBackwardWeight(g, x, gy, gw, gbias);
    public void BatchNormForwardTrain(DeviceBuffer x, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer y, DeviceBuffer saveMean, DeviceBuffer saveInvStd,
                                      DeviceBuffer runningMean, DeviceBuffer runningVar, int n, int c, int hw, float eps, float momentum) =>
        _inner.BatchNormForwardTrain(x, gamma, beta, y, saveMean, saveInvStd, runningMean, runningVar, n, c, hw, eps, momentum);
    public void BatchNormForwardEval(DeviceBuffer x, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer runningMean, DeviceBuffer runningVar, DeviceBuffer y, int n, int c, int hw, float eps) =>
        _inner.BatchNormForwardEval(x, gamma, beta, runningMean, runningVar, y, n, c, hw, eps);
    public void BatchNormBackward(DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gamma, DeviceBuffer saveMean, DeviceBuffer saveInvStd,
                                  DeviceBuffer gx, DeviceBuffer ggamma, DeviceBuffer gbeta, int n, int c, int hw) =>
        _inner.BatchNormBackward(x, gy, gamma, saveMean, saveInvStd, gx, ggamma, gbeta, n, c, hw);
    public void Translate(DeviceBuffer x, DeviceBuffer y, int n, int c, int h, int w, IndexBuffer dx, IndexBuffer dy) => _inner.Translate(x, y, n, c, h, w, dx, dy);
    public void UpsampleNearest(DeviceBuffer x, DeviceBuffer y, int n, int c, int h, int w, int factor) => _inner.UpsampleNearest(x, y, n, c, h, w, factor);
    public void UpsampleNearestBackward(DeviceBuffer gy, DeviceBuffer gx, int n, int c, int h, int w, int factor) => _inner.UpsampleNearestBackward(gy, gx, n, c, h, w, factor);
    public void UpsampleBilinear(DeviceBuffer x, DeviceBuffer y, int n, int c, int h, int w, int outH, int outW, bool alignCorners) =>
        _inner.UpsampleBilinear(x, y, n, c, h, w, outH, outW, alignCorners);
    public void UpsampleBilinearBackward(DeviceBuffer gy, DeviceBuffer gx, int n, int c, int h, int w, int outH, int outW, bool alignCorners) =>
        _inner.UpsampleBilinearBackward(gy, gx, n, c, h, w, outH, outW, alignCorners);
    public void AvgPool2d(DeviceBuffer x, DeviceBuffer y, int n, int c, int h, int w, int k, int stride) => _inner.AvgPool2d(x, y, n, c, h, w, k, stride);
    public void AvgPool2dBackward(DeviceBuffer gy, DeviceBuffer gx, int n, int c, int h, int w, int k, int stride) => _inner.AvgPool2dBackward(gy, gx, n, c, h, w, k, stride);
    public void AffineGrid(DeviceBuffer theta, DeviceBuffer grid, int n, int h, int w, bool alignCorners) => _inner.AffineGrid(theta, grid, n, h, w, alignCorners);
    public void AffineGridBackward(DeviceBuffer ggrid, DeviceBuffer gtheta, int n, int h, int w, bool alignCorners) => _inner.AffineGridBackward(ggrid, gtheta, n, h, w, alignCorners);
    public void GridSample(DeviceBuffer x, DeviceBuffer grid, DeviceBuffer y, int n, int c, int hin, int win, int hout, int wout, bool alignCorners) =>
        _inner.GridSample(x, grid, y, n, c, hin, win, hout, wout, alignCorners);
    public void GridSampleBackward(DeviceBuffer x, DeviceBuffer grid, DeviceBuffer gy, DeviceBuffer? gx, DeviceBuffer? ggrid, int n, int c, int hin, int win, int hout, int wout, bool alignCorners) =>
        _inner.GridSampleBackward(x, grid, gy, gx, ggrid, n, c, hin, win, hout, wout, alignCorners);
    public void Composite(DeviceBuffer m, DeviceBuffer fg, DeviceBuffer bg, DeviceBuffer y, int n, int c, int hw) => _inner.Composite(m, fg, bg, y, n, c, hw);
    public void CompositeBackward(DeviceBuffer m, DeviceBuffer fg, DeviceBuffer bg, DeviceBuffer gy, DeviceBuffer? gm, DeviceBuffer? gfg, DeviceBuffer? gbg, int n, int c, int hw) =>
        _inner.CompositeBackward(m, fg, bg, gy, gm, gfg, gbg, n, c, hw);
    public void RowL1Distance(DeviceBuffer x, DeviceBuffer y, IndexBuffer? perm, DeviceBuffer output, int n, int d) => _inner.RowL1Distance(x, y, perm, output, n, d);
    public void RowL1DistanceBackward(DeviceBuffer x, DeviceBuffer y, IndexBuffer? perm, DeviceBuffer gOutput, DeviceBuffer? gx, DeviceBuffer? gy, int n, int d) =>
        _inner.RowL1DistanceBackward(x, y, perm, gOutput, gx, gy, n, d);
    public void GatherRows(DeviceBuffer x, IndexBuffer index, DeviceBuffer y, int rows, int rowLength) => _inner.GatherRows(x, index, y, rows, rowLength);
    public void ScatterAddRows(DeviceBuffer gy, IndexBuffer index, DeviceBuffer gx, int rows, int sourceRows, int rowLength) =>
        _inner.ScatterAddRows(gy, index, gx, rows, sourceRows, rowLength);
    public void AdamStep(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v, int n, float stepSize, float beta1, float beta2, float epsHat, float weightDecay, float lr, bool decoupled) =>
        _inner.AdamStep(param, grad, m, v, n, stepSize, beta1, beta2, epsHat, weightDecay, lr, decoupled);
    public void FillUniform(DeviceBuffer buffer, int n, ulong seed, ulong offset, float lo, float hi) => _inner.FillUniform(buffer, n, seed, offset, lo, hi);
    public void FillNormal(DeviceBuffer buffer, int n, ulong seed, ulong offset, float mean, float std) => _inner.FillNormal(buffer, n, seed, offset, mean, std);
    public void Dispose() => _inner.Dispose();
}
