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

    /// <summary>
    /// One launch per run of segments whose gaps are alignment padding (an arena of packed tensors
    /// is one run): the update is elementwise, so each element's value is the per-tensor launch's.
    /// </summary>
    public void AdamStepSegments(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v, ReadOnlySpan<BufferSegment> segments,
                                 float stepSize, float beta1, float beta2, float epsHat, float weightDecay, float lr, bool decoupled)
    {
        BufferSegment.Validate(segments, Math.Min(Math.Min(param.Length, grad.Length), Math.Min(m.Length, v.Length)), "adam (segments)");
        float decay = decoupled ? 1f - lr * weightDecay : 1f;
        float l2 = decoupled ? 0f : weightDecay;
        var launch = Launch(ref _adam, OptimizerKernels.Adam);
        foreach (var (start, n) in PaddedRuns(segments))
            launch(_stream, Linear(n), Window(param, start, n), Window(grad, start, n), Window(m, start, n), Window(v, start, n),
                new AdamArgs(n, stepSize, beta1, beta2, epsHat, decay, l2));
    }

    public void AxpbySegments(float alpha, DeviceBuffer x, float beta, DeviceBuffer y, ReadOnlySpan<BufferSegment> segments)
    {
        BufferSegment.Validate(segments, Math.Min(x.Length, y.Length), "axpby (segments)");
        var launch = Launch(ref _axpby, PointwiseKernels.Axpby);
        foreach (var (start, n) in PaddedRuns(segments))
            launch(_stream, Linear(n), Window(x, start, n), Window(y, start, n), new PointwiseArgs(n, UnaryOp.Affine, alpha, beta));
    }

    /// <summary>Maximal runs of consecutive segments whose gaps are shorter than <see cref="BufferSegment.PaddingBelow"/>.</summary>
    private static List<(int Start, int Length)> PaddedRuns(ReadOnlySpan<BufferSegment> segments)
    {
        var runs = new List<(int Start, int Length)>();
        int i = 0;
        while (i < segments.Length)
        {
            int start = segments[i].Offset, end = segments[i].End;
            while (++i < segments.Length && segments[i].Offset - end < BufferSegment.PaddingBelow) end = segments[i].End;
            if (end > start) runs.Add((start, end - start));
        }
        return runs;
    }

    private ArrayView<float> Window(DeviceBuffer b, int start, int length) => View(b).SubView(start, length);

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
