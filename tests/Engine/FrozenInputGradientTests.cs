using KernelGan.Kernels;
using Xunit;

namespace KernelGan.Tests.Engine;

/// <summary>
/// Every op whose backward rule branches on which inputs want a gradient, checked with each
/// combination of its inputs frozen: the generator step runs the discriminator with its weights
/// frozen, and the prior composites over layers some of which are fixed. The frozen inputs must get
/// no gradient (and no op may compute one), and the others must still match finite differences.
/// </summary>
public class FrozenInputGradientTests
{
    private static Tensor R(int seed, params int[] shape) => GradCheck.Random(shape, seed);

    [Theory]
    [InlineData(BinaryOp.Add)]
    [InlineData(BinaryOp.Sub)]
    [InlineData(BinaryOp.Mul)]
    [InlineData(BinaryOp.Div)]
    public void BinaryWithBroadcast(BinaryOp op) =>
        GradCheck.CheckEachFrozen(op.ToString(), x => Ops.Binary(op, x[0], x[1]),
            [R(1, 2, 3, 4), GradCheck.Random([1, 3, 1], 2, 0.5f, 1.5f)]);

    [Fact]
    public void MinMax()
    {
        // Operands kept apart so no finite-difference step crosses the switch.
        var a = R(3, 3, 4);
        var b = Tensor.FromArray(a.ToArray().Select((v, i) => v + (i % 2 == 0 ? 0.3f : -0.3f)).ToArray(), 3, 4);
        GradCheck.CheckEachFrozen("max", x => Ops.Maximum(x[0], x[1]), [a, b]);
    }

    [Fact]
    public void Concat() =>
        GradCheck.CheckEachFrozen("concat", x => Ops.Concat(1, x[0], x[1], x[2]), [R(4, 2, 3, 2), R(5, 2, 1, 2), R(6, 2, 2, 2)]);

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void MatMul(bool ta, bool tb) =>
        GradCheck.CheckEachFrozen($"matmul ta={ta} tb={tb}", x => Ops.MatMul(x[0], x[1], ta, tb),
            [ta ? R(7, 5, 3) : R(7, 3, 5), tb ? R(8, 4, 5) : R(8, 5, 4)]);

    [Fact]
    public void Linear() =>
        GradCheck.CheckEachFrozen("linear", x => Ops.Linear(x[0], x[1], x[2]), [R(9, 4, 6), R(10, 3, 6), R(11, 3)]);

    [Theory]
    [InlineData(1, 0, 3)]
    [InlineData(2, 1, 4)]
    public void Conv2d(int stride, int padding, int k) =>
        GradCheck.CheckEachFrozen($"conv2d s{stride} p{padding} k{k}", x => Ops.Conv2d(x[0], x[1], x[2], stride, padding),
            [R(12, 2, 3, 7, 7), GradCheck.Random([4, 3, k, k], 13, -0.5f, 0.5f), R(14, 4)]);

    [Fact]
    public void Conv2dWithoutBias() =>
        GradCheck.CheckEachFrozen("conv2d no bias", x => Ops.Conv2d(x[0], x[1], null, 2, 1),
            [R(15, 2, 3, 6, 6), GradCheck.Random([4, 3, 4, 4], 16, -0.5f, 0.5f)]);

    [Fact]
    public void ConvTranspose2d() =>
        GradCheck.CheckEachFrozen("conv-transpose2d", x => Ops.ConvTranspose2d(x[0], x[1], x[2], 2, 1),
            [R(17, 2, 3, 4, 4), GradCheck.Random([3, 2, 4, 4], 18, -0.5f, 0.5f), R(19, 2)]);

    [Fact]
    public void BatchNormEval()
    {
        var rm = Tensor.FromArray([0.1f, -0.2f, 0.3f], 3);
        var rv = Tensor.FromArray([0.5f, 1.5f, 2f], 3);
        GradCheck.CheckEachFrozen("batch-norm eval", x => Ops.BatchNorm(x[0], x[1], x[2], rm, rv, training: false),
            [R(20, 2, 3, 2, 2), R(21, 3), R(22, 3)]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GridSampleThroughPose(bool alignCorners) =>
        // Image frozen: the layout module's pose learns through a fixed instance; pose frozen: the
        // instance learns at a fixed placement.
        GradCheck.CheckEachFrozen("grid-sample through pose",
            x => Ops.GridSample(x[0], Ops.AffineGrid(x[1], 5, 5, alignCorners), alignCorners),
            [R(23, 2, 3, 6, 6), GradientTests.OffCentrePose()], eps: 1e-3f, atol: 5e-3, rtol: 5e-2);

    [Fact]
    public void Composite() =>
        GradCheck.CheckEachFrozen("composite", x => Ops.Composite(x[0], x[1], x[2]),
            [GradCheck.Random([2, 1, 3, 4], 24, 0f, 1f), R(25, 2, 3, 3, 4), R(26, 2, 3, 3, 4)]);

    [Fact]
    public void RowL1Distance()
    {
        // Every |x - y| kept away from zero, where the absolute value has its kink.
        var a = R(27, 4, 6);
        var b = Tensor.FromArray(a.ToArray().Select((v, i) => v + (i % 2 == 0 ? 0.4f : -0.4f)).ToArray(), 4, 6);
        GradCheck.CheckEachFrozen("row-l1 matched", x => Ops.RowL1Distance(x[0], x[1]), [a, b]);
    }
}
