using ILGPU;
using ILGPU.Runtime;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>Pointwise and broadcast kernels, fills and copies.</summary>
public sealed partial class IlgpuBackend
{
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, PointwiseArgs>? _fill;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, Copy2DArgs>? _copy2D;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, PointwiseArgs>? _unary, _axpby;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, PointwiseArgs>? _unaryBackward;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, BroadcastArgs>? _binary;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, BroadcastArgs>? _binaryBackward;

    public void Unary(UnaryOp op, DeviceBuffer x, DeviceBuffer y, int n, float a = 0f, float b = 0f)
    {
        if (n <= 0) return;
        Launch(ref _unary, PointwiseKernels.Unary)(_stream, Linear(n), View(x), View(y), new PointwiseArgs(n, op, a, b));
    }

    public void UnaryBackward(UnaryOp op, DeviceBuffer x, DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx,
                              int n, float a = 0f, float b = 0f)
    {
        if (n <= 0) return;
        Launch(ref _unaryBackward, PointwiseKernels.UnaryBackward)(_stream, Linear(n),
            View(x), View(y), View(gy), View(gx), new PointwiseArgs(n, op, a, b));
    }

    public void Binary(BinaryOp op, DeviceBuffer a, int[] aShape, DeviceBuffer b, int[] bShape,
                       DeviceBuffer y, int[] yShape)
    {
        var args = BroadcastArgs.From(BroadcastPlan.Create(aShape, bShape, yShape), op);
        if (args.Count <= 0) return;
        Launch(ref _binary, BroadcastKernels.Binary)(_stream, Linear(args.Count), View(a), View(b), View(y), args);
    }

    public void BinaryBackward(BinaryOp op, DeviceBuffer a, int[] aShape, DeviceBuffer b, int[] bShape,
                               DeviceBuffer gy, int[] yShape, DeviceBuffer? ga, DeviceBuffer? gb)
    {
        if (ga is null && gb is null) return;
        var args = BroadcastArgs.From(BroadcastPlan.Create(aShape, bShape, yShape), op);
        if (args.Count <= 0) return;
        args.Outputs = (ga is null ? 0 : 1) | (gb is null ? 0 : 2);
        Launch(ref _binaryBackward, BroadcastKernels.BinaryBackward)(_stream, Linear(args.Count),
            View(a), View(b), View(gy), ViewOrAbsent(ga), ViewOrAbsent(gb), args);
    }

    public void Axpby(float alpha, DeviceBuffer x, float beta, DeviceBuffer y, int n)
    {
        if (n <= 0) return;
        Launch(ref _axpby, PointwiseKernels.Axpby)(_stream, Linear(n), View(x), View(y), new PointwiseArgs(n, UnaryOp.Affine, alpha, beta));
    }
}
