using ILGPU;
using ILGPU.Runtime;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>ReduceSum and LogSumExp: the kernel shape is chosen from the extents (see <see cref="ReductionKernels"/>).</summary>
public sealed partial class IlgpuBackend
{
    /// <summary>Below this many terms per output a plain per-thread loop beats a group reduction.</summary>
    private const int ShortReduction = 16;

    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ReduceArgs>? _sumPerThread, _sumRows, _sumColumns, _lsePerThread, _lseRows;

    public void ReduceSum(DeviceBuffer x, DeviceBuffer y, int outer, int mid, int inner)
    {
        long outputs = (long)outer * inner;
        if (outputs <= 0) return;
        if (mid <= 0)
        {
            Fill(y, 0, (int)outputs, 0f);
            return;
        }
        if (mid <= ShortReduction)
        {
            Launch(ref _sumPerThread, ReductionKernels.SumPerThread)(_stream, Linear(outputs), View(x), View(y), new ReduceArgs(outer, mid, inner, 0));
        }
        else if (inner == 1)
        {
            Launch(ref _sumRows, ReductionKernels.SumRows)(_stream, GroupPerItem(outer), View(x), View(y), new ReduceArgs(outer, mid, inner, 0));
        }
        else
        {
            // Adjacent columns side by side for coalesced loads; the group's remaining lanes split mid.
            int columns = Math.Min(32, GroupSize / 4);
            long work = (long)outer * ((inner + columns - 1) / columns);
            Launch(ref _sumColumns, ReductionKernels.SumColumns)(_stream, GroupPerItem((int)Math.Min(work, int.MaxValue)),
                View(x), View(y), new ReduceArgs(outer, mid, inner, columns));
        }
    }

    public void LogSumExp(DeviceBuffer x, DeviceBuffer y, int outer, int mid, int inner)
    {
        long outputs = (long)outer * inner;
        if (outputs <= 0) return;
        if (mid <= 0)
        {
            Fill(y, 0, (int)outputs, float.NegativeInfinity);
            return;
        }
        if (inner == 1 && mid > ShortReduction)
            Launch(ref _lseRows, ReductionKernels.LogSumExpRows)(_stream, GroupPerItem(outer), View(x), View(y), new ReduceArgs(outer, mid, inner, 0));
        else
            Launch(ref _lsePerThread, ReductionKernels.LogSumExpPerThread)(_stream, Linear(outputs), View(x), View(y), new ReduceArgs(outer, mid, inner, 0));
    }
}
