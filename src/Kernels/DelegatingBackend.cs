namespace KernelGan.Kernels;

/// <summary>
/// A backend that forwards every <see cref="IBackend"/> member to an inner backend, for wrappers
/// that watch or change a few kernels and pass the rest through: the profiler
/// (<c>src/Cli/Profiling</c>), and test backends that record calls or plant an error. A subclass
/// overrides the members it cares about and calls <c>base</c> for the real work; every member
/// reports itself to <see cref="OnCall"/> first, so a recorder needs no override per member.
/// A new IBackend member does not compile until it is forwarded here.
/// </summary>
public abstract class DelegatingBackend(IBackend inner) : IBackend
{
    protected IBackend Inner { get; } = inner;

    /// <summary>Called with the member's name at the start of every forwarded member (not Dispose).</summary>
    protected virtual void OnCall(string member) { }

    /// <summary>
    /// The inner backend's buffer behind one of ours. Buffers given out are wrapped (see
    /// <see cref="Allocate"/>), and a buffer of another backend is refused here rather than handed
    /// to the inner one, whose own checks would name the wrong backend.
    /// </summary>
    protected DeviceBuffer Unwrap(DeviceBuffer buffer) =>
        buffer is DelegatedBuffer d && ReferenceEquals(d.Backend, this)
            ? d.Inner
            : throw new ArgumentException($"a buffer of {buffer.Backend.Name} was passed to {Name}");

    private DeviceBuffer? UnwrapOrNull(DeviceBuffer? buffer) => buffer is null ? null : Unwrap(buffer);

    /// <summary>Disposes the inner backend: a wrapper owns what it wraps unless it overrides this.</summary>
    public virtual void Dispose() => Inner.Dispose();

    public virtual string Name { get { OnCall(nameof(Name)); return Inner.Name; } }

    /// <summary>
    /// The inner backend's buffer, wrapped so that its <see cref="DeviceBuffer.Backend"/> is this
    /// backend: a tensor finds its backend through its buffer, so the tensor's later kernels come
    /// back through the wrapper too.
    /// </summary>
    public virtual DeviceBuffer Allocate(int length)
    { OnCall(nameof(Allocate)); return new DelegatedBuffer(this, Inner.Allocate(length)); }

    public virtual IndexBuffer UploadIndices(ReadOnlySpan<int> indices)
    { OnCall(nameof(UploadIndices)); return Inner.UploadIndices(indices); }

    public virtual void Upload(ReadOnlySpan<float> source, DeviceBuffer destination, int destinationOffset = 0)
    { OnCall(nameof(Upload)); Inner.Upload(source, Unwrap(destination), destinationOffset); }

    public virtual void Download(DeviceBuffer source, int sourceOffset, Span<float> destination)
    { OnCall(nameof(Download)); Inner.Download(Unwrap(source), sourceOffset, destination); }

    public virtual void Fill(DeviceBuffer buffer, int offset, int length, float value)
    { OnCall(nameof(Fill)); Inner.Fill(Unwrap(buffer), offset, length, value); }

    /// <summary>The inner backend's slice, wrapped like <see cref="Allocate"/>'s buffers.</summary>
    public virtual DeviceBuffer Slice(DeviceBuffer parent, int offset, int length)
    { OnCall(nameof(Slice)); return new DelegatedBuffer(this, Inner.Slice(Unwrap(parent), offset, length)); }

    public virtual void Copy2D(DeviceBuffer src, int srcOffset, int srcStride, DeviceBuffer dst, int dstOffset, int dstStride, int rows, int cols)
    { OnCall(nameof(Copy2D)); Inner.Copy2D(Unwrap(src), srcOffset, srcStride, Unwrap(dst), dstOffset, dstStride, rows, cols); }

    public virtual void Synchronize()
    { OnCall(nameof(Synchronize)); Inner.Synchronize(); }

    public virtual (long InUse, long Pooled) MemoryStats { get { OnCall(nameof(MemoryStats)); return Inner.MemoryStats; } }

    public virtual void Unary(UnaryOp op, DeviceBuffer x, DeviceBuffer y, int n, float a = 0f, float b = 0f)
    { OnCall(nameof(Unary)); Inner.Unary(op, Unwrap(x), Unwrap(y), n, a, b); }

    public virtual void UnaryBackward(UnaryOp op, DeviceBuffer x, DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx, int n, float a = 0f, float b = 0f)
    { OnCall(nameof(UnaryBackward)); Inner.UnaryBackward(op, Unwrap(x), Unwrap(y), Unwrap(gy), Unwrap(gx), n, a, b); }

    public virtual void Binary(BinaryOp op, DeviceBuffer a, int[] aShape, DeviceBuffer b, int[] bShape, DeviceBuffer y, int[] yShape)
    { OnCall(nameof(Binary)); Inner.Binary(op, Unwrap(a), aShape, Unwrap(b), bShape, Unwrap(y), yShape); }

    public virtual void BinaryBackward(BinaryOp op, DeviceBuffer a, int[] aShape, DeviceBuffer b, int[] bShape, DeviceBuffer gy, int[] yShape, DeviceBuffer? ga, DeviceBuffer? gb)
    { OnCall(nameof(BinaryBackward)); Inner.BinaryBackward(op, Unwrap(a), aShape, Unwrap(b), bShape, Unwrap(gy), yShape, UnwrapOrNull(ga), UnwrapOrNull(gb)); }

    public virtual void Axpby(float alpha, DeviceBuffer x, float beta, DeviceBuffer y, int n)
    { OnCall(nameof(Axpby)); Inner.Axpby(alpha, Unwrap(x), beta, Unwrap(y), n); }

    public virtual void ReduceSum(DeviceBuffer x, DeviceBuffer y, int outer, int mid, int inner)
    { OnCall(nameof(ReduceSum)); Inner.ReduceSum(Unwrap(x), Unwrap(y), outer, mid, inner); }

    public virtual void LogSumExp(DeviceBuffer x, DeviceBuffer y, int outer, int mid, int inner)
    { OnCall(nameof(LogSumExp)); Inner.LogSumExp(Unwrap(x), Unwrap(y), outer, mid, inner); }

    public virtual void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, DeviceBuffer a, int aOffset, int lda, long strideA, DeviceBuffer b, int bOffset, int ldb, long strideB, float beta, DeviceBuffer c, int cOffset, int ldc, long strideC, int batch = 1)
    { OnCall(nameof(Gemm)); Inner.Gemm(transA, transB, m, n, k, alpha, Unwrap(a), aOffset, lda, strideA, Unwrap(b), bOffset, ldb, strideB, beta, Unwrap(c), cOffset, ldc, strideC, batch); }

    public virtual void Conv2dForward(in ConvGeometry g, DeviceBuffer x, DeviceBuffer w, DeviceBuffer? bias, DeviceBuffer y)
    { OnCall(nameof(Conv2dForward)); Inner.Conv2dForward(in g, Unwrap(x), Unwrap(w), UnwrapOrNull(bias), Unwrap(y)); }

    public virtual void Conv2dBackwardData(in ConvGeometry g, DeviceBuffer gy, DeviceBuffer w, DeviceBuffer gx)
    { OnCall(nameof(Conv2dBackwardData)); Inner.Conv2dBackwardData(in g, Unwrap(gy), Unwrap(w), Unwrap(gx)); }

    public virtual void Conv2dBackwardWeight(in ConvGeometry g, DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gw, DeviceBuffer? gbias)
    { OnCall(nameof(Conv2dBackwardWeight)); Inner.Conv2dBackwardWeight(in g, Unwrap(x), Unwrap(gy), Unwrap(gw), UnwrapOrNull(gbias)); }

    public virtual void BatchNormForwardTrain(DeviceBuffer x, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer y, DeviceBuffer saveMean, DeviceBuffer saveInvStd, DeviceBuffer runningMean, DeviceBuffer runningVar, int n, int c, int hw, float eps, float momentum)
    { OnCall(nameof(BatchNormForwardTrain)); Inner.BatchNormForwardTrain(Unwrap(x), Unwrap(gamma), Unwrap(beta), Unwrap(y), Unwrap(saveMean), Unwrap(saveInvStd), Unwrap(runningMean), Unwrap(runningVar), n, c, hw, eps, momentum); }

    public virtual void BatchNormForwardEval(DeviceBuffer x, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer runningMean, DeviceBuffer runningVar, DeviceBuffer y, int n, int c, int hw, float eps)
    { OnCall(nameof(BatchNormForwardEval)); Inner.BatchNormForwardEval(Unwrap(x), Unwrap(gamma), Unwrap(beta), Unwrap(runningMean), Unwrap(runningVar), Unwrap(y), n, c, hw, eps); }

    public virtual void BatchNormBackward(DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gamma, DeviceBuffer saveMean, DeviceBuffer saveInvStd, DeviceBuffer gx, DeviceBuffer ggamma, DeviceBuffer gbeta, int n, int c, int hw)
    { OnCall(nameof(BatchNormBackward)); Inner.BatchNormBackward(Unwrap(x), Unwrap(gy), Unwrap(gamma), Unwrap(saveMean), Unwrap(saveInvStd), Unwrap(gx), Unwrap(ggamma), Unwrap(gbeta), n, c, hw); }

    public virtual void Translate(DeviceBuffer x, DeviceBuffer y, int n, int c, int h, int w, IndexBuffer dx, IndexBuffer dy)
    { OnCall(nameof(Translate)); Inner.Translate(Unwrap(x), Unwrap(y), n, c, h, w, dx, dy); }

    public virtual void UpsampleNearest(DeviceBuffer x, DeviceBuffer y, int n, int c, int h, int w, int factor)
    { OnCall(nameof(UpsampleNearest)); Inner.UpsampleNearest(Unwrap(x), Unwrap(y), n, c, h, w, factor); }

    public virtual void UpsampleNearestBackward(DeviceBuffer gy, DeviceBuffer gx, int n, int c, int h, int w, int factor)
    { OnCall(nameof(UpsampleNearestBackward)); Inner.UpsampleNearestBackward(Unwrap(gy), Unwrap(gx), n, c, h, w, factor); }

    public virtual void UpsampleBilinear(DeviceBuffer x, DeviceBuffer y, int n, int c, int h, int w, int outH, int outW, bool alignCorners)
    { OnCall(nameof(UpsampleBilinear)); Inner.UpsampleBilinear(Unwrap(x), Unwrap(y), n, c, h, w, outH, outW, alignCorners); }

    public virtual void UpsampleBilinearBackward(DeviceBuffer gy, DeviceBuffer gx, int n, int c, int h, int w, int outH, int outW, bool alignCorners)
    { OnCall(nameof(UpsampleBilinearBackward)); Inner.UpsampleBilinearBackward(Unwrap(gy), Unwrap(gx), n, c, h, w, outH, outW, alignCorners); }

    public virtual void AvgPool2d(DeviceBuffer x, DeviceBuffer y, int n, int c, int h, int w, int k, int stride)
    { OnCall(nameof(AvgPool2d)); Inner.AvgPool2d(Unwrap(x), Unwrap(y), n, c, h, w, k, stride); }

    public virtual void AvgPool2dBackward(DeviceBuffer gy, DeviceBuffer gx, int n, int c, int h, int w, int k, int stride)
    { OnCall(nameof(AvgPool2dBackward)); Inner.AvgPool2dBackward(Unwrap(gy), Unwrap(gx), n, c, h, w, k, stride); }

    public virtual void AffineGrid(DeviceBuffer theta, DeviceBuffer grid, int n, int h, int w, bool alignCorners)
    { OnCall(nameof(AffineGrid)); Inner.AffineGrid(Unwrap(theta), Unwrap(grid), n, h, w, alignCorners); }

    public virtual void AffineGridBackward(DeviceBuffer ggrid, DeviceBuffer gtheta, int n, int h, int w, bool alignCorners)
    { OnCall(nameof(AffineGridBackward)); Inner.AffineGridBackward(Unwrap(ggrid), Unwrap(gtheta), n, h, w, alignCorners); }

    public virtual void GridSample(DeviceBuffer x, DeviceBuffer grid, DeviceBuffer y, int n, int c, int hin, int win, int hout, int wout, bool alignCorners)
    { OnCall(nameof(GridSample)); Inner.GridSample(Unwrap(x), Unwrap(grid), Unwrap(y), n, c, hin, win, hout, wout, alignCorners); }

    public virtual void GridSampleBackward(DeviceBuffer x, DeviceBuffer grid, DeviceBuffer gy, DeviceBuffer? gx, DeviceBuffer? ggrid, int n, int c, int hin, int win, int hout, int wout, bool alignCorners)
    { OnCall(nameof(GridSampleBackward)); Inner.GridSampleBackward(Unwrap(x), Unwrap(grid), Unwrap(gy), UnwrapOrNull(gx), UnwrapOrNull(ggrid), n, c, hin, win, hout, wout, alignCorners); }

    public virtual void Composite(DeviceBuffer m, DeviceBuffer fg, DeviceBuffer bg, DeviceBuffer y, int n, int c, int hw)
    { OnCall(nameof(Composite)); Inner.Composite(Unwrap(m), Unwrap(fg), Unwrap(bg), Unwrap(y), n, c, hw); }

    public virtual void CompositeBackward(DeviceBuffer m, DeviceBuffer fg, DeviceBuffer bg, DeviceBuffer gy, DeviceBuffer? gm, DeviceBuffer? gfg, DeviceBuffer? gbg, int n, int c, int hw)
    { OnCall(nameof(CompositeBackward)); Inner.CompositeBackward(Unwrap(m), Unwrap(fg), Unwrap(bg), Unwrap(gy), UnwrapOrNull(gm), UnwrapOrNull(gfg), UnwrapOrNull(gbg), n, c, hw); }

    public virtual void RowL1Distance(DeviceBuffer x, DeviceBuffer y, IndexBuffer? perm, DeviceBuffer output, int n, int d)
    { OnCall(nameof(RowL1Distance)); Inner.RowL1Distance(Unwrap(x), Unwrap(y), perm, Unwrap(output), n, d); }

    public virtual void RowL1DistanceBackward(DeviceBuffer x, DeviceBuffer y, IndexBuffer? perm, DeviceBuffer gOutput, DeviceBuffer? gx, DeviceBuffer? gy, int n, int d)
    { OnCall(nameof(RowL1DistanceBackward)); Inner.RowL1DistanceBackward(Unwrap(x), Unwrap(y), perm, Unwrap(gOutput), UnwrapOrNull(gx), UnwrapOrNull(gy), n, d); }

    public virtual void GatherRows(DeviceBuffer x, IndexBuffer index, DeviceBuffer y, int rows, int rowLength)
    { OnCall(nameof(GatherRows)); Inner.GatherRows(Unwrap(x), index, Unwrap(y), rows, rowLength); }

    public virtual void ScatterAddRows(DeviceBuffer gy, IndexBuffer index, DeviceBuffer gx, int rows, int sourceRows, int rowLength)
    { OnCall(nameof(ScatterAddRows)); Inner.ScatterAddRows(Unwrap(gy), index, Unwrap(gx), rows, sourceRows, rowLength); }

    public virtual void AdamStep(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v, int n, float stepSize, float beta1, float beta2, float epsHat, float weightDecay, float lr, bool decoupled)
    { OnCall(nameof(AdamStep)); Inner.AdamStep(Unwrap(param), Unwrap(grad), Unwrap(m), Unwrap(v), n, stepSize, beta1, beta2, epsHat, weightDecay, lr, decoupled); }

    public virtual void AdamStepSegments(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v, ReadOnlySpan<BufferSegment> segments, float stepSize, float beta1, float beta2, float epsHat, float weightDecay, float lr, bool decoupled)
    { OnCall(nameof(AdamStepSegments)); Inner.AdamStepSegments(Unwrap(param), Unwrap(grad), Unwrap(m), Unwrap(v), segments, stepSize, beta1, beta2, epsHat, weightDecay, lr, decoupled); }

    public virtual void AxpbySegments(float alpha, DeviceBuffer x, float beta, DeviceBuffer y, ReadOnlySpan<BufferSegment> segments)
    { OnCall(nameof(AxpbySegments)); Inner.AxpbySegments(alpha, Unwrap(x), beta, Unwrap(y), segments); }

    public virtual void FillUniform(DeviceBuffer buffer, int n, ulong seed, ulong offset, float lo, float hi)
    { OnCall(nameof(FillUniform)); Inner.FillUniform(Unwrap(buffer), n, seed, offset, lo, hi); }

    public virtual void FillNormal(DeviceBuffer buffer, int n, ulong seed, ulong offset, float mean, float std)
    { OnCall(nameof(FillNormal)); Inner.FillNormal(Unwrap(buffer), n, seed, offset, mean, std); }
}
