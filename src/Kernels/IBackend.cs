namespace KernelGan.Kernels;

/// <summary>
/// The contract every backend implements: memory, and the kernels that the differentiable ops
/// of KernelGan.Tensor are written in. Every tensor is float32, contiguous, row-major (NCHW for
/// images). Kernels overwrite their outputs unless a parameter says "accumulate". Kernels may be
/// asynchronous (GPU streams); <see cref="Download"/> and <see cref="Synchronize"/> wait.
/// Shapes passed as arrays are trusted: the op layer validates them and names the op in errors.
/// </summary>
public interface IBackend : IDisposable
{
    /// <summary>Short device name for logs and errors, e.g. "cpu", "cuda:0 (NVIDIA H100)".</summary>
    string Name { get; }

    // ---------------------------------------------------------------- memory

    /// <summary>A buffer of <paramref name="length"/> floats with undefined contents (pooled).</summary>
    DeviceBuffer Allocate(int length);

    IndexBuffer UploadIndices(ReadOnlySpan<int> indices);

    void Upload(ReadOnlySpan<float> source, DeviceBuffer destination, int destinationOffset = 0);

    void Download(DeviceBuffer source, int sourceOffset, Span<float> destination);

    void Fill(DeviceBuffer buffer, int offset, int length, float value);

    /// <summary>
    /// A buffer that is floats [offset, offset + length) of <paramref name="parent"/>, sharing its
    /// memory (parameters packed into one arena, so that one kernel updates them all). The slice
    /// holds a reference on the parent until its own last release. offset should be a multiple of
    /// 16 floats, so that kernels find the alignment a fresh allocation has.
    /// </summary>
    DeviceBuffer Slice(DeviceBuffer parent, int offset, int length);

    /// <summary>
    /// Copies <paramref name="rows"/> runs of <paramref name="cols"/> floats: run r reads from
    /// src[srcOffset + r*srcStride] and writes dst[dstOffset + r*dstStride]. Concat, narrow and
    /// plain copies are all this one kernel.
    /// </summary>
    void Copy2D(DeviceBuffer src, int srcOffset, int srcStride,
                DeviceBuffer dst, int dstOffset, int dstStride, int rows, int cols);

    /// <summary>Waits until all queued kernels have finished.</summary>
    void Synchronize();

    /// <summary>Bytes currently held by the pool and in use, for diagnostics.</summary>
    (long InUse, long Pooled) MemoryStats { get; }

    // ---------------------------------------------------------------- pointwise

    /// <summary>y[i] = f(x[i]; a, b) for i &lt; n. y may alias x.</summary>
    void Unary(UnaryOp op, DeviceBuffer x, DeviceBuffer y, int n, float a = 0f, float b = 0f);

    /// <summary>gx[i] = gy[i] * f'(x[i]) (using the forward output y where cheaper). gx may alias gy.</summary>
    void UnaryBackward(UnaryOp op, DeviceBuffer x, DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx,
                       int n, float a = 0f, float b = 0f);

    /// <summary>
    /// y = a (op) b with numpy broadcasting. All three shapes have the same rank (at most 6; the op
    /// layer left-pads with ones); each dim of aShape/bShape equals yShape's or is 1. y may alias a
    /// or b when that operand has y's shape.
    /// </summary>
    void Binary(BinaryOp op, DeviceBuffer a, int[] aShape, DeviceBuffer b, int[] bShape,
                DeviceBuffer y, int[] yShape);

    /// <summary>
    /// Gradients of <see cref="Binary"/> at the full output shape (before reducing over broadcast
    /// dims): ga[i] = dL/da at y's index i, gb likewise; either may be null to skip it.
    /// </summary>
    void BinaryBackward(BinaryOp op, DeviceBuffer a, int[] aShape, DeviceBuffer b, int[] bShape,
                        DeviceBuffer gy, int[] yShape, DeviceBuffer? ga, DeviceBuffer? gb);

    /// <summary>y[i] = alpha*x[i] + beta*y[i] for i &lt; n (gradient accumulation, EMA).</summary>
    void Axpby(float alpha, DeviceBuffer x, float beta, DeviceBuffer y, int n);

    // ---------------------------------------------------------------- reductions

    /// <summary>x viewed as [outer, mid, inner]: y[o, i] = sum over m of x[o, m, i].</summary>
    void ReduceSum(DeviceBuffer x, DeviceBuffer y, int outer, int mid, int inner);

    /// <summary>x viewed as [outer, mid, inner]: y[o, i] = log sum over m of exp(x[o, m, i]), stably.</summary>
    void LogSumExp(DeviceBuffer x, DeviceBuffer y, int outer, int mid, int inner);

    // ---------------------------------------------------------------- linear algebra

    /// <summary>
    /// Batched row-major GEMM: for each b &lt; batch, C_b = alpha * op(A_b) * op(B_b) + beta * C_b,
    /// op(A) is [m, k], op(B) is [k, n], C is [m, n]. A is stored [m, k] (lda &gt;= k) or, when
    /// transA, [k, m] (lda &gt;= m); likewise B. Matrix b starts at offset + b*stride.
    /// beta = 0 means C's old contents are ignored (even NaN).
    /// </summary>
    void Gemm(bool transA, bool transB, int m, int n, int k, float alpha,
              DeviceBuffer a, int aOffset, int lda, long strideA,
              DeviceBuffer b, int bOffset, int ldb, long strideB,
              float beta, DeviceBuffer c, int cOffset, int ldc, long strideC, int batch = 1);

    // ---------------------------------------------------------------- convolution

    /// <summary>y = conv2d(x, w) + bias (bias [Cout] or null).</summary>
    void Conv2dForward(in ConvGeometry g, DeviceBuffer x, DeviceBuffer w, DeviceBuffer? bias, DeviceBuffer y);

    /// <summary>gx = gradient of conv2d with respect to its input (also: transposed conv forward).</summary>
    void Conv2dBackwardData(in ConvGeometry g, DeviceBuffer gy, DeviceBuffer w, DeviceBuffer gx);

    /// <summary>gw = gradient with respect to the weight; gbias (if not null) = sum of gy per channel.</summary>
    void Conv2dBackwardWeight(in ConvGeometry g, DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gw, DeviceBuffer? gbias);

    // ---------------------------------------------------------------- normalization

    /// <summary>
    /// Batch norm in training mode over x [n, c, hw]: statistics per channel over n and hw (biased
    /// variance for normalizing), y = (x - mean) * invStd * gamma + beta. Writes saveMean and
    /// saveInvStd [c] for the backward pass and updates runningMean/runningVar [c] (unbiased
    /// variance) as r = (1 - momentum) * r + momentum * batchStat.
    /// </summary>
    void BatchNormForwardTrain(DeviceBuffer x, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer y,
                               DeviceBuffer saveMean, DeviceBuffer saveInvStd,
                               DeviceBuffer runningMean, DeviceBuffer runningVar,
                               int n, int c, int hw, float eps, float momentum);

    /// <summary>Batch norm with the running statistics: y = (x - rm) / sqrt(rv + eps) * gamma + beta.</summary>
    void BatchNormForwardEval(DeviceBuffer x, DeviceBuffer gamma, DeviceBuffer beta,
                              DeviceBuffer runningMean, DeviceBuffer runningVar, DeviceBuffer y,
                              int n, int c, int hw, float eps);

    /// <summary>Gradients of training-mode batch norm: gx, ggamma and gbeta (all overwritten).</summary>
    void BatchNormBackward(DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gamma,
                           DeviceBuffer saveMean, DeviceBuffer saveInvStd,
                           DeviceBuffer gx, DeviceBuffer ggamma, DeviceBuffer gbeta, int n, int c, int hw);

    // ---------------------------------------------------------------- spatial

    /// <summary>
    /// Per-sample integer translation with zero fill over x [n, c, h, w]:
    /// y[s, ch, i, j] = x[s, ch, i - dy[s], j - dx[s]] where inside, else 0. The adjoint is the
    /// same kernel with negated shifts.
    /// </summary>
    void Translate(DeviceBuffer x, DeviceBuffer y, int n, int c, int h, int w, IndexBuffer dx, IndexBuffer dy);

    /// <summary>Nearest upsampling by an integer factor: [n, c, h, w] -> [n, c, h*f, w*f].</summary>
    void UpsampleNearest(DeviceBuffer x, DeviceBuffer y, int n, int c, int h, int w, int factor);

    /// <summary>Adjoint of <see cref="UpsampleNearest"/>: gx[.., i, j] = sum of gy over its f x f block.</summary>
    void UpsampleNearestBackward(DeviceBuffer gy, DeviceBuffer gx, int n, int c, int h, int w, int factor);

    /// <summary>Bilinear resize [n, c, h, w] -> [n, c, outH, outW] (PyTorch's align_corners semantics).</summary>
    void UpsampleBilinear(DeviceBuffer x, DeviceBuffer y, int n, int c, int h, int w, int outH, int outW, bool alignCorners);

    void UpsampleBilinearBackward(DeviceBuffer gy, DeviceBuffer gx, int n, int c, int h, int w, int outH, int outW, bool alignCorners);

    /// <summary>Average pooling with a k x k window and stride s, no padding.</summary>
    void AvgPool2d(DeviceBuffer x, DeviceBuffer y, int n, int c, int h, int w, int k, int stride);

    void AvgPool2dBackward(DeviceBuffer gy, DeviceBuffer gx, int n, int c, int h, int w, int k, int stride);

    /// <summary>
    /// Sampling grid [n, h, w, 2] (x then y, in [-1, 1]) from affine matrices theta [n, 2, 3]:
    /// grid = theta * (x_j, y_i, 1) over the normalized output pixel centres (PyTorch affine_grid).
    /// </summary>
    void AffineGrid(DeviceBuffer theta, DeviceBuffer grid, int n, int h, int w, bool alignCorners);

    /// <summary>gtheta [n, 2, 3] (overwritten) from the grid's gradient.</summary>
    void AffineGridBackward(DeviceBuffer ggrid, DeviceBuffer gtheta, int n, int h, int w, bool alignCorners);

    /// <summary>Bilinear grid sampling with zeros padding (PyTorch grid_sample): x [n, c, hin, win], grid [n, hout, wout, 2] -> y [n, c, hout, wout].</summary>
    void GridSample(DeviceBuffer x, DeviceBuffer grid, DeviceBuffer y, int n, int c, int hin, int win, int hout, int wout, bool alignCorners);

    /// <summary>Gradients of <see cref="GridSample"/>: gx (overwritten) and ggrid (overwritten); either may be null.</summary>
    void GridSampleBackward(DeviceBuffer x, DeviceBuffer grid, DeviceBuffer gy, DeviceBuffer? gx, DeviceBuffer? ggrid,
                            int n, int c, int hin, int win, int hout, int wout, bool alignCorners);

    // ---------------------------------------------------------------- layered-GAN fused kernels

    /// <summary>Alpha composite y = m*fg + (1-m)*bg; m is [n, 1, hw], fg/bg/y are [n, c, hw].</summary>
    void Composite(DeviceBuffer m, DeviceBuffer fg, DeviceBuffer bg, DeviceBuffer y, int n, int c, int hw);

    /// <summary>Gradients of <see cref="Composite"/> (each overwritten; any may be null).</summary>
    void CompositeBackward(DeviceBuffer m, DeviceBuffer fg, DeviceBuffer bg, DeviceBuffer gy,
                           DeviceBuffer? gm, DeviceBuffer? gfg, DeviceBuffer? gbg, int n, int c, int hw);

    /// <summary>
    /// Per-row mean absolute difference, the CLUB/Laplace statistic: x, y are [n, d];
    /// out[i] = (1/d) * sum_j |x[perm[i], j] - y[i, j]| (perm null means identity).
    /// </summary>
    void RowL1Distance(DeviceBuffer x, DeviceBuffer y, IndexBuffer? perm, DeviceBuffer output, int n, int d);

    /// <summary>Gradients of <see cref="RowL1Distance"/> (perm must be a permutation); gx, gy overwritten, either may be null.</summary>
    void RowL1DistanceBackward(DeviceBuffer x, DeviceBuffer y, IndexBuffer? perm, DeviceBuffer gOutput,
                               DeviceBuffer? gx, DeviceBuffer? gy, int n, int d);

    /// <summary>y[i, :] = x[index[i], :] for rows of length rowLength.</summary>
    void GatherRows(DeviceBuffer x, IndexBuffer index, DeviceBuffer y, int rows, int rowLength);

    /// <summary>gx (overwritten, [sourceRows, rowLength]) = sum over i with index[i] = r of gy[i, :].</summary>
    void ScatterAddRows(DeviceBuffer gy, IndexBuffer index, DeviceBuffer gx, int rows, int sourceRows, int rowLength);

    // ---------------------------------------------------------------- optimizer and random numbers

    /// <summary>
    /// One Adam/AdamW update of n parameters, PyTorch's formula with the bias corrections folded
    /// into two scalars the caller computes for step t:
    /// stepSize = lr * sqrt(1 - b2^t) / (1 - b1^t) and epsHat = eps * sqrt(1 - b2^t).
    /// g' = g + weightDecay*p unless decoupled (AdamW: p -= lr*weightDecay*p first);
    /// m = b1*m + (1-b1)*g'; v = b2*v + (1-b2)*g'^2; p -= stepSize * m / (sqrt(v) + epsHat).
    /// </summary>
    void AdamStep(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v, int n,
                  float stepSize, float beta1, float beta2, float epsHat, float weightDecay, float lr, bool decoupled);

    /// <summary>
    /// <see cref="AdamStep"/> on every segment of the four buffers (arenas of packed tensors with one
    /// layout), each element computed exactly as the per-tensor call on its segment would: one
    /// launch (GPU) or one parallel dispatch (CPU) in place of one per tensor. Segments are ascending
    /// and disjoint; see <see cref="BufferSegment.PaddingBelow"/> for the gaps between them.
    /// </summary>
    void AdamStepSegments(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v, ReadOnlySpan<BufferSegment> segments,
                          float stepSize, float beta1, float beta2, float epsHat, float weightDecay, float lr, bool decoupled);

    /// <summary><see cref="Axpby"/> on every segment of x and y (the EMA over an arena of weights), each element as the per-tensor call computes it.</summary>
    void AxpbySegments(float alpha, DeviceBuffer x, float beta, DeviceBuffer y, ReadOnlySpan<BufferSegment> segments);

    /// <summary>Uniform [lo, hi) from Philox4x32-10: value i uses counter (offset + i/4), key seed.</summary>
    void FillUniform(DeviceBuffer buffer, int n, ulong seed, ulong offset, float lo, float hi);

    /// <summary>Normal(mean, std) from Philox4x32-10 and Box-Muller, bit-identical inputs on every backend.</summary>
    void FillNormal(DeviceBuffer buffer, int n, ulong seed, ulong offset, float mean, float std);
}
