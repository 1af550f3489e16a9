using ILGPU;
using ILGPU.Runtime;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>
/// Batch norm: one fused kernel with a group per channel when there are enough channels to fill
/// the device, else each channel split over several groups (see <see cref="BatchNormKernels"/>).
/// </summary>
public sealed partial class IlgpuBackend
{
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, BatchNormArgs>? _bnSums;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, BatchNormArgs>? _bnSquares;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, BatchNormArgs>? _bnNormalize;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, BatchNormArgs>? _bnBackwardSums;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, BatchNormArgs>? _bnBackwardApply;

    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, BatchNormArgs>? _bnTrain, _bnBackward;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, ArrayView<float>, BatchNormArgs>? _bnEval;

    public void BatchNormForwardTrain(DeviceBuffer x, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer y,
                                      DeviceBuffer saveMean, DeviceBuffer saveInvStd,
                                      DeviceBuffer runningMean, DeviceBuffer runningVar,
                                      int n, int c, int hw, float eps, float momentum)
    {
        if (c <= 0) return;
        int slices = SlicesFor(c, n * hw, minimumSlice: 8 * GroupSize);
        var args = new BatchNormArgs(n, c, hw, eps, momentum, slices);
        if (slices == 1)
        {
            Launch(ref _bnTrain, BatchNormKernels.ForwardTrain)(_stream, GroupPerItem(c),
                View(x), View(gamma), View(beta), View(y), View(saveMean), View(saveInvStd), View(runningMean), View(runningVar), args);
            return;
        }
        var sums = Scratch((long)c * slices);
        var squares = Scratch((long)c * slices);
        var groups = GroupPerItem(c * slices);
        Launch(ref _bnSums, BatchNormKernels.SlicedSums)(_stream, groups, View(x), sums.View, args);
        Launch(ref _bnSquares, BatchNormKernels.SlicedSquares)(_stream, groups, View(x), sums.View, squares.View, args);
        Launch(ref _bnNormalize, BatchNormKernels.SlicedNormalize)(_stream, groups, View(x), View(gamma), View(beta), View(y),
            sums.View, squares.View, View(saveMean), View(saveInvStd), View(runningMean), View(runningVar), args);
        squares.Release();
        sums.Release();
    }

    public void BatchNormForwardEval(DeviceBuffer x, DeviceBuffer gamma, DeviceBuffer beta,
                                     DeviceBuffer runningMean, DeviceBuffer runningVar, DeviceBuffer y,
                                     int n, int c, int hw, float eps)
    {
        long total = (long)n * c * hw;
        if (total <= 0) return;
        Launch(ref _bnEval, BatchNormKernels.ForwardEval)(_stream, Linear(total),
            View(x), View(gamma), View(beta), View(runningMean), View(runningVar), View(y), new BatchNormArgs(n, c, hw, eps, 0f));
    }

    public void BatchNormBackward(DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gamma,
                                  DeviceBuffer saveMean, DeviceBuffer saveInvStd,
                                  DeviceBuffer gx, DeviceBuffer ggamma, DeviceBuffer gbeta, int n, int c, int hw)
    {
        if (c <= 0) return;
        int slices = SlicesFor(c, n * hw, minimumSlice: 8 * GroupSize);
        var args = new BatchNormArgs(n, c, hw, 0f, 0f, slices);
        if (slices == 1)
        {
            Launch(ref _bnBackward, BatchNormKernels.Backward)(_stream, GroupPerItem(c),
                View(x), View(gy), View(gamma), View(saveMean), View(saveInvStd), View(gx), View(ggamma), View(gbeta), args);
            return;
        }
        var sumGy = Scratch((long)c * slices);
        var sumGyCentered = Scratch((long)c * slices);
        var groups = GroupPerItem(c * slices);
        Launch(ref _bnBackwardSums, BatchNormKernels.SlicedBackwardSums)(_stream, groups, View(x), View(gy), View(saveMean),
            sumGy.View, sumGyCentered.View, args);
        Launch(ref _bnBackwardApply, BatchNormKernels.SlicedBackwardApply)(_stream, groups, View(x), View(gy), View(gamma),
            View(saveMean), View(saveInvStd), sumGy.View, sumGyCentered.View, View(gx), View(ggamma), View(gbeta), args);
        sumGyCentered.Release();
        sumGy.Release();
    }
}
