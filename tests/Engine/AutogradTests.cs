using Xunit;

namespace KernelGan.Tests.Engine;

public class AutogradTests
{
    [Fact]
    public void ReusedTensorAccumulatesBothPaths()
    {
        var x = Tensor.FromArray([2f, -3f], 2);
        x.RequiresGrad = true;
        // y = x*x + x  ->  dy/dx = 2x + 1
        Ops.Sum(x * x + x).Backward();
        Assert.Equal([5f, -5f], x.Grad!.ToArray());
    }

    [Fact]
    public void GradientsAccumulateAcrossBackwardCallsUntilZeroed()
    {
        var x = Tensor.FromArray([1f, 2f], 2);
        x.RequiresGrad = true;
        Ops.Sum(x * 3f).Backward();
        Ops.Sum(x * 3f).Backward();
        Assert.Equal([6f, 6f], x.Grad!.ToArray());
        x.ZeroGrad();
        Ops.Sum(x * 2f).Backward();
        Assert.Equal([2f, 2f], x.Grad!.ToArray());
    }

    [Fact]
    public void NoGradRecordsNothing()
    {
        var x = Tensor.Ones(3);
        x.RequiresGrad = true;
        Tensor y;
        using (Tensor.NoGrad()) y = x * 2f;
        Assert.False(y.RequiresGrad);
        Assert.Throws<InvalidOperationException>(() => Ops.Sum(y).Backward());
    }

    [Fact]
    public void DetachStopsTheGradient()
    {
        var x = Tensor.FromArray([3f], 1);
        x.RequiresGrad = true;
        // y = x * detach(x): the gradient flows only through the first factor.
        Ops.Sum(x * x.Detach()).Backward();
        Assert.Equal([3f], x.Grad!.ToArray());
    }

    [Fact]
    public void NonScalarBackwardNeedsAGradient()
    {
        var x = Tensor.Ones(2, 2);
        x.RequiresGrad = true;
        var y = x * 2f;
        Assert.Throws<ShapeException>(() => y.Backward());
        y.Backward(Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2));
        Assert.Equal([2f, 4f, 6f, 8f], x.Grad!.ToArray());
    }

    [Fact]
    public void ScopeReturnsMemoryAndKeepsWhatIsKept()
    {
        var backend = new KernelGan.Kernels.Cpu.CpuBackend(); // a private pool: other tests run in parallel
        var param = Tensor.Full([64, 64], 1f, backend);
        param.RequiresGrad = true;
        Tensor kept;
        Tensor temp;
        using (var scope = new TensorScope())
        {
            temp = param * 2f;
            var loss = Ops.Sum(temp * temp);
            loss.Backward();
            kept = scope.Keep(Ops.Mean(temp));
        }
        Assert.True(temp.IsDisposed);
        Assert.False(kept.IsDisposed);
        Assert.False(param.Grad!.IsDisposed); // leaf gradients outlive the step
        Assert.Equal(8f, param.Grad.ToArray()[0]);
        Assert.Throws<ObjectDisposedException>(() => temp.ToArray());

        // Once warm, identical steps reuse pooled memory instead of allocating.
        void Step()
        {
            using var _ = new TensorScope();
            var t = param * 2f;
            Ops.Sum(t * t).Backward();
        }
        Step();
        long before = backend.MemoryStats.InUse + backend.MemoryStats.Pooled;
        for (int i = 0; i < 3; i++) Step();
        Assert.Equal(before, backend.MemoryStats.InUse + backend.MemoryStats.Pooled);
    }

    [Fact]
    public void ReshapedViewSharesStorageSafely()
    {
        Tensor view;
        using (new TensorScope())
        {
            var a = Tensor.FromArray([1f, 2f, 3f, 4f], 4);
            view = a.Reshape(2, 2);
            a.Dispose(); // the view still holds a reference
            Assert.Equal([1f, 2f, 3f, 4f], view.ToArray());
        }
        Assert.True(view.IsDisposed);
    }
}

public class ShapeErrorTests
{
    private static string Message(Action a) => Assert.Throws<ShapeException>(a).Message;

    [Fact]
    public void ErrorsNameTheOpAndTheShapes()
    {
        Assert.Contains("add: shapes [2,3] and [4] do not broadcast", Message(() => Ops.Add(Tensor.Ones(2, 3), Tensor.Ones(4))));
        Assert.Contains("matmul: inner dims differ: [2,3] @ [4,5]", Message(() => Ops.MatMul(Tensor.Ones(2, 3), Tensor.Ones(4, 5))));
        Assert.Contains("conv2d: input [1,3,8,8] has 3 channels but weight [4,2,3,3] expects 2",
            Message(() => Ops.Conv2d(Tensor.Ones(1, 3, 8, 8), Tensor.Ones(4, 2, 3, 3))));
        Assert.Contains("conv2d: input must have rank 4, got [3,8,8]", Message(() => Ops.Conv2d(Tensor.Ones(3, 8, 8), Tensor.Ones(4, 3, 3, 3))));
        Assert.Contains("conv2d: input [1,1,2,2] is smaller than the 3x3 kernel", Message(() => Ops.Conv2d(Tensor.Ones(1, 1, 2, 2), Tensor.Ones(1, 1, 3, 3))));
        Assert.Contains("reshape: [2,3] (6 elements) cannot become [4,2]", Message(() => Ops.Reshape(Tensor.Ones(2, 3), 4, 2)));
        Assert.Contains("composite: mask [2,3,4,4] must be [2,1,4,4]",
            Message(() => Ops.Composite(Tensor.Ones(2, 3, 4, 4), Tensor.Ones(2, 3, 4, 4), Tensor.Ones(2, 3, 4, 4))));
        Assert.Contains("grid-sample: grid [1,4,4,3]", Message(() => Ops.GridSample(Tensor.Ones(1, 1, 4, 4), Tensor.Ones(1, 4, 4, 3))));
        Assert.Contains("narrow: [2, 5) is outside axis 1 of [2,4]", Message(() => Ops.Narrow(Tensor.Ones(2, 4), 1, 2, 3)));
        Assert.Contains("concat: [2,3] does not match [3,3] outside axis 1", Message(() => Ops.Concat(1, Tensor.Ones(3, 3), Tensor.Ones(2, 3))));
        Assert.Contains("batch-norm: gamma [4] must be [3]",
            Message(() => Ops.BatchNorm(Tensor.Ones(2, 3, 2, 2), Tensor.Ones(4), Tensor.Ones(3), Tensor.Ones(3), Tensor.Ones(3), true)));
        Assert.Contains("sum: axis 3 is out of range for a rank-2 tensor", Message(() => Ops.Sum(Tensor.Ones(2, 2), [3])));
        Assert.Contains("translate: 1 x-shifts and 2 y-shifts for a batch of 2", Message(() => Ops.Translate(Tensor.Ones(2, 1, 3, 3), [1], [1, 1])));
    }
}
