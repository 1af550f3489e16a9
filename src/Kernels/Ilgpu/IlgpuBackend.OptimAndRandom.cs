using ILGPU;
using ILGPU.Runtime;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>The Adam update and the Philox fills.</summary>
public sealed partial class IlgpuBackend
{
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamArgs>? _adam;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, RandomArgs>? _uniform, _normal;

    public void AdamStep(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v, int n,
                         float stepSize, float beta1, float beta2, float epsHat, float weightDecay, float lr, bool decoupled)
    {
        if (n <= 0) return;
        float decay = decoupled ? 1f - lr * weightDecay : 1f;
        float l2 = decoupled ? 0f : weightDecay;
        Launch(ref _adam, OptimizerKernels.Adam)(_stream, Linear(n), View(param), View(grad), View(m), View(v),
            new AdamArgs(n, stepSize, beta1, beta2, epsHat, decay, l2));
    }

    public void FillUniform(DeviceBuffer buffer, int n, ulong seed, ulong offset, float lo, float hi)
    {
        if (n <= 0) return;
        Launch(ref _uniform, RandomKernels.Uniform)(_stream, Linear((n + 3) / 4), View(buffer), new RandomArgs(n, seed, offset, lo, hi - lo));
    }

    public void FillNormal(DeviceBuffer buffer, int n, ulong seed, ulong offset, float mean, float std)
    {
        if (n <= 0) return;
        Launch(ref _normal, RandomKernels.Normal)(_stream, Linear((n + 3) / 4), View(buffer), new RandomArgs(n, seed, offset, mean, std));
    }
}
