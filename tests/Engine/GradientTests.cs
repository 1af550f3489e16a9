using KernelGan.Kernels;
using Xunit;

namespace KernelGan.Tests.Engine;

/// <summary>A finite-difference check for every differentiable op.</summary>
public class GradientTests
{
    private static Tensor R(int seed, params int[] shape) => GradCheck.Random(shape, seed);

    [Theory]
    [InlineData(UnaryOp.Affine)]
    [InlineData(UnaryOp.Exp)]
    [InlineData(UnaryOp.Square)]
    [InlineData(UnaryOp.Sigmoid)]
    [InlineData(UnaryOp.Tanh)]
    [InlineData(UnaryOp.Softplus)]
    public void SmoothUnary(UnaryOp op) =>
        GradCheck.Check(op.ToString(), x => Ops.Unary(op, x[0], 0.7f, 0.3f), [R(1, 3, 5, 7)]);

    [Theory]
    [InlineData(UnaryOp.Log)]
    [InlineData(UnaryOp.Sqrt)]
    [InlineData(UnaryOp.Reciprocal)]
    [InlineData(UnaryOp.Pow)]
    public void PositiveDomainUnary(UnaryOp op) =>
        GradCheck.Check(op.ToString(), x => Ops.Unary(op, x[0], 1.7f), [GradCheck.Random([4, 9], 2, 0.5f, 2f)]);

    [Theory]
    [InlineData(UnaryOp.Abs)]
    [InlineData(UnaryOp.Relu)]
    [InlineData(UnaryOp.LeakyRelu)]
    public void KinkedUnary(UnaryOp op) =>
        GradCheck.Check(op.ToString(), x => Ops.Unary(op, x[0], 0.2f), [GradCheck.Random([4, 9], 3, -1f, 1f, 0.05f, 0f)]);

    [Fact]
    public void Clamp() =>
        GradCheck.Check("clamp", x => Ops.Clamp(x[0], -0.5f, 0.4f), [GradCheck.Random([40], 4, -1f, 1f, 0.05f, -0.5f, 0.4f)]);

    [Theory]
    [InlineData(BinaryOp.Add)]
    [InlineData(BinaryOp.Sub)]
    [InlineData(BinaryOp.Mul)]
    [InlineData(BinaryOp.Div)]
    public void BinarySameShape(BinaryOp op) =>
        GradCheck.Check(op.ToString(), x => Ops.Binary(op, x[0], x[1]), [R(5, 2, 3, 4), GradCheck.Random([2, 3, 4], 6, 0.5f, 1.5f)]);

    [Theory]
    [InlineData(BinaryOp.Add, new[] { 2, 3, 4, 5 }, new[] { 1, 3, 1, 1 })]
    [InlineData(BinaryOp.Mul, new[] { 2, 3, 4, 5 }, new[] { 1, 3, 1, 1 })]
    [InlineData(BinaryOp.Sub, new[] { 4, 1 }, new[] { 1, 5 })]
    [InlineData(BinaryOp.Div, new[] { 3, 4 }, new[] { 4 })]
    [InlineData(BinaryOp.Mul, new[] { 2, 3 }, new int[0])]
    [InlineData(BinaryOp.Add, new[] { 2, 1, 3 }, new[] { 5, 1 })]
    public void BinaryBroadcast(BinaryOp op, int[] a, int[] b) =>
        GradCheck.Check($"{op} {Shape.Format(a)} {Shape.Format(b)}", x => Ops.Binary(op, x[0], x[1]),
            [R(7, a), GradCheck.Random(b, 8, 0.5f, 1.5f)]);

    [Theory]
    [InlineData(BinaryOp.Min)]
    [InlineData(BinaryOp.Max)]
    public void MinMax(BinaryOp op)
    {
        // Keep the operands apart so no finite-difference step crosses the switch.
        var a = R(9, 3, 4);
        var bData = a.ToArray().Select((v, i) => v + (i % 2 == 0 ? 0.3f : -0.3f)).ToArray();
        GradCheck.Check(op.ToString(), x => Ops.Binary(op, x[0], x[1]), [a, Tensor.FromArray(bData, 3, 4)]);
    }

    [Fact]
    public void MinWithBroadcastScalar() =>
        GradCheck.Check("min(m, 1-m)", x => Ops.Minimum(x[0], 1f - x[0]), [GradCheck.Random([30], 10, 0f, 1f, 0.05f, 0.5f)]);

    [Fact]
    public void SumAndMeanOverAxes()
    {
        GradCheck.Check("sum all", x => Ops.Sum(x[0]), [R(11, 2, 3, 4)]);
        GradCheck.Check("mean all", x => Ops.Mean(x[0]), [R(12, 2, 3, 4)]);
        GradCheck.Check("sum axis 1", x => Ops.Sum(x[0], [1]), [R(13, 2, 3, 4)]);
        GradCheck.Check("mean axes 0,2 keep", x => Ops.Mean(x[0], [0, 2], keepDims: true), [R(14, 2, 3, 4)]);
        GradCheck.Check("mean axes 1,2,3", x => Ops.Mean(x[0], [1, 2, 3]), [R(15, 2, 3, 4, 5)]);
    }

    [Fact]
    public void LogSumExp()
    {
        GradCheck.Check("lse axis 0", x => Ops.LogSumExp(x[0], 0), [R(16, 6, 3)]);
        GradCheck.Check("lse axis 1 keep", x => Ops.LogSumExp(x[0], 1, keepDims: true), [R(17, 3, 5, 2)]);
    }

    [Fact]
    public void ShapeOps()
    {
        GradCheck.Check("reshape", x => Ops.Reshape(x[0], 6, -1) * x[1], [R(18, 2, 3, 4), R(19, 6, 4)]);
        GradCheck.Check("narrow", x => Ops.Narrow(x[0], 1, 1, 2), [R(20, 2, 4, 3)]);
        GradCheck.Check("concat", x => Ops.Concat(1, x[0], x[1]), [R(21, 2, 3, 2), R(22, 2, 1, 2)]);
        GradCheck.Check("gather", x => Ops.Gather(x[0], [2, 0, 0, 1]), [R(23, 3, 5)]);
    }

    [Fact]
    public void MatMulAllTransposes()
    {
        foreach (bool ta in new[] { false, true })
        foreach (bool tb in new[] { false, true })
        {
            var a = ta ? R(24, 5, 3) : R(24, 3, 5);
            var b = tb ? R(25, 4, 5) : R(25, 5, 4);
            GradCheck.Check($"matmul ta={ta} tb={tb}", x => Ops.MatMul(x[0], x[1], ta, tb), [a, b]);
        }
    }

    [Fact]
    public void Linear() =>
        GradCheck.Check("linear", x => Ops.Linear(x[0], x[1], x[2]), [R(26, 4, 6), R(27, 3, 6), R(28, 3)]);

    [Theory]
    [InlineData(1, 0, 3)]
    [InlineData(2, 1, 4)]
    [InlineData(2, 0, 3)]
    [InlineData(1, 0, 1)]
    public void Conv2d(int stride, int padding, int k) =>
        GradCheck.Check($"conv2d s{stride} p{padding} k{k}", x => Ops.Conv2d(x[0], x[1], x[2], stride, padding),
            [R(29, 2, 3, 7, 7), GradCheck.Random([4, 3, k, k], 30, -0.5f, 0.5f), R(31, 4)]);

    [Theory]
    [InlineData(2, 1, 4)]
    [InlineData(1, 0, 4)]
    [InlineData(1, 1, 3)]
    public void ConvTranspose2d(int stride, int padding, int k) =>
        GradCheck.Check($"conv-transpose2d s{stride} p{padding} k{k}", x => Ops.ConvTranspose2d(x[0], x[1], x[2], stride, padding),
            [R(32, 2, 3, 4, 4), GradCheck.Random([3, 2, k, k], 33, -0.5f, 0.5f), R(34, 2)]);

    [Fact]
    public void Conv2dWithKernelCoveringInput() =>
        GradCheck.Check("conv2d 4x4 kernel on 4x4 input", x => Ops.Conv2d(x[0], x[1], x[2]),
            [R(40, 2, 3, 4, 4), GradCheck.Random([4, 3, 4, 4], 41, -0.5f, 0.5f), R(42, 4)]);

    [Fact]
    public void ConvTranspose2dFromOneByOne() =>
        GradCheck.Check("conv-transpose2d 1x1 -> 4x4", x => Ops.ConvTranspose2d(x[0], x[1], x[2]),
            [R(43, 2, 3, 1, 1), GradCheck.Random([3, 2, 4, 4], 44, -0.5f, 0.5f), R(45, 2)]);

    [Fact]
    public void ConvTranspose2dDoublingWideMaps() =>
        GradCheck.Check("conv-transpose2d 16x16 -> 32x32", x => Ops.ConvTranspose2d(x[0], x[1], x[2], 2, 1),
            [R(46, 2, 3, 16, 16), GradCheck.Random([3, 2, 4, 4], 47, -0.5f, 0.5f), R(48, 2)]);

    [Fact]
    public void BatchNormTraining()
    {
        var rm = Tensor.Zeros(3);
        var rv = Tensor.Ones(3);
        // A nonlinear loss (tanh) so the invariance of BN to shifts does not hide gradient errors.
        GradCheck.Check("batch-norm train", x => Ops.Tanh(Ops.BatchNorm(x[0], x[1], x[2], rm, rv, training: true)),
            [R(35, 4, 3, 3, 2), GradCheck.Random([3], 36, 0.5f, 1.5f), R(37, 3)], eps: 5e-3f);
    }

    [Fact]
    public void BatchNormTrainingWideMaps()
    {
        // 20 values per channel plane: the CPU kernels' vector loops plus a scalar tail.
        var rm = Tensor.Zeros(3);
        var rv = Tensor.Ones(3);
        GradCheck.Check("batch-norm train 5x4", x => Ops.Tanh(Ops.BatchNorm(x[0], x[1], x[2], rm, rv, training: true)),
            [R(60, 2, 3, 5, 4), GradCheck.Random([3], 61, 0.5f, 1.5f), R(62, 3)], eps: 5e-3f);
    }

    [Fact]
    public void BatchNormEval()
    {
        var rm = Tensor.FromArray([0.1f, -0.2f, 0.3f], 3);
        var rv = Tensor.FromArray([0.5f, 1.5f, 2f], 3);
        GradCheck.Check("batch-norm eval", x => Ops.BatchNorm(x[0], x[1], x[2], rm, rv, training: false),
            [R(38, 2, 3, 2, 2), R(39, 3), R(40, 3)]);
    }

    [Fact]
    public void Translate() =>
        GradCheck.Check("translate", x => Ops.Translate(x[0], [1, -2, 0], [0, 1, -3]), [R(41, 3, 2, 5, 6)]);

    [Fact]
    public void Resampling()
    {
        GradCheck.Check("upsample-nearest", x => Ops.UpsampleNearest(x[0], 2), [R(42, 2, 2, 3, 3)]);
        GradCheck.Check("bilinear up", x => Ops.ResizeBilinear(x[0], 7, 5), [R(43, 2, 2, 3, 4)]);
        GradCheck.Check("bilinear down aligned", x => Ops.ResizeBilinear(x[0], 3, 2, alignCorners: true), [R(44, 1, 2, 6, 5)]);
        GradCheck.Check("avg-pool", x => Ops.AvgPool2d(x[0], 2), [R(45, 2, 2, 4, 6)]);
        GradCheck.Check("avg-pool stride 1", x => Ops.AvgPool2d(x[0], 3, 1), [R(46, 1, 2, 5, 5)]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AffineGridAndGridSample(bool alignCorners)
    {
        GradCheck.Check("affine-grid", x => Ops.AffineGrid(x[0], 4, 5, alignCorners), [R(47, 2, 2, 3)]);
        // Through the pose, with a pose whose sample points sit away from pixel centres: bilinear
        // interpolation has a kink wherever a coordinate crosses a whole pixel.
        var theta = OffCentrePose();
        foreach (var (v, i) in Ops.AffineGrid(theta, 5, 5, alignCorners).ToArray().Select((v, i) => (v, i)))
        {
            float pixel = SamplingMath.Unnormalize(v, 6, alignCorners);
            Assert.True(Math.Abs(pixel - MathF.Round(pixel)) > 0.01f, $"test pose puts grid point {i} on a pixel centre");
        }
        GradCheck.Check("grid-sample through pose",
            x => Ops.GridSample(x[0], Ops.AffineGrid(x[1], 5, 5, alignCorners), alignCorners),
            [R(48, 2, 3, 6, 6), theta], eps: 1e-3f, atol: 5e-3, rtol: 5e-2);
    }

    /// <summary>Poses [2, 2, 3] whose 5x5 grids on a 6x6 input keep every sample point off pixel centres.</summary>
    internal static Tensor OffCentrePose() =>
        Tensor.FromArray([0.829f, 0.026f, 0.023f, 0.043f, 0.836f, -0.053f, 0.723f, -0.041f, 0.007f, 0.027f, 0.906f, -0.031f], 2, 2, 3);

    [Fact]
    public void GridSampleOutsideIsZeroAndHasNoGradient()
    {
        var x = Tensor.Ones(1, 1, 4, 4);
        var grid = Tensor.FromArray([5f, 5f, -7f, 0.2f], 1, 1, 2, 2);
        var y = Ops.GridSample(x, grid).ToArray();
        Assert.Equal([0f, 0f], y);
    }

    [Fact]
    public void Composite()
    {
        GradCheck.Check("composite", x => Ops.Composite(x[0], x[1], x[2]),
            [GradCheck.Random([2, 1, 3, 4], 49, 0f, 1f), R(50, 2, 3, 3, 4), R(51, 2, 3, 3, 4)]);
        GradCheck.Check("composite k layers", x => Ops.CompositeLayers(x[0], [(x[1], x[2]), (x[3], x[4])]),
            [R(52, 2, 3, 3, 3), GradCheck.Random([2, 1, 3, 3], 53, 0f, 1f), R(54, 2, 3, 3, 3),
             GradCheck.Random([2, 1, 3, 3], 55, 0f, 1f), R(56, 2, 3, 3, 3)]);
    }

    [Fact]
    public void RowL1Distance()
    {
        var a = R(57, 4, 2, 3);
        var b = R(58, 4, 2, 3);
        // Keep every |x - y| away from zero, where the absolute value has its kink.
        var bd = b.ToArray();
        var ad = a.ToArray();
        var perm = new[] { 2, 0, 3, 1 };
        for (int i = 0; i < 4; i++)
        for (int j = 0; j < 6; j++)
        {
            if (Math.Abs(ad[i * 6 + j] - bd[i * 6 + j]) < 0.05f) bd[i * 6 + j] += 0.1f;
            if (Math.Abs(ad[perm[i] * 6 + j] - bd[i * 6 + j]) < 0.05f) bd[i * 6 + j] += 0.1f;
        }
        var b2 = Tensor.FromArray(bd, 4, 2, 3);
        GradCheck.Check("row-l1 matched", x => Ops.RowL1Distance(x[0], x[1]), [a, b2]);
        GradCheck.Check("row-l1 permuted", x => Ops.RowL1Distance(x[0], x[1], perm), [R(57, 4, 2, 3), Tensor.FromArray(bd, 4, 2, 3)]);
    }
}
