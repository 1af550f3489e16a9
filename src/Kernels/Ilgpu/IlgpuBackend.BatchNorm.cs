using ILGPU;
using ILGPU.Runtime;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>Batch norm: one group per channel for the statistics (see <see cref="BatchNormKernels"/>).</summary>
public sealed partial class IlgpuBackend
{
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
        Launch(ref _bnTrain, BatchNormKernels.ForwardTrain)(_stream, GroupPerItem(c),
            View(x), View(gamma), View(beta), View(y), View(saveMean), View(saveInvStd), View(runningMean), View(runningVar),
            new BatchNormArgs(n, c, hw, eps, momentum));
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
        Launch(ref _bnBackward, BatchNormKernels.Backward)(_stream, GroupPerItem(c),
            View(x), View(gy), View(gamma), View(saveMean), View(saveInvStd), View(gx), View(ggamma), View(gbeta),
            new BatchNormArgs(n, c, hw, 0f, 0f));
    }
}
