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
            return;
        }
        // Rows: a group per output. Columns: adjacent columns side by side for coalesced loads, the
        // group's remaining lanes splitting mid.
        int columns = inner == 1 ? 1 : Math.Min(32, GroupSize / 4);
        long groups = (long)outer * ((inner + columns - 1) / columns);
        int slices = SlicesFor(groups, mid, minimumSlice: 8 * (GroupSize / columns));
        var target = slices == 1 ? null : Scratch((long)outer * slices * inner);
        var args = new ReduceArgs(outer, mid, inner, columns, slices);
        var output = target?.View ?? View(y);
        if (inner == 1)
            Launch(ref _sumRows, ReductionKernels.SumRows)(_stream, GroupPerItem((int)Math.Min(groups * slices, int.MaxValue)), View(x), output, args);
        else
            Launch(ref _sumColumns, ReductionKernels.SumColumns)(_stream, GroupPerItem((int)Math.Min(groups * slices, int.MaxValue)), View(x), output, args);
        if (target is null) return;
        // Second stage: the partials [outer, slices, inner] summed over slices, in slice order.
        ReduceSum(target, y, outer, slices, inner);
        target.Release();
    }

    /// <summary>Test hook: forces how many slices a long reduction is cut into (see <see cref="ReduceArgs.Slices"/>).</summary>
    internal int? ForcedReductionSlices { get; set; }

    /// <summary>
    /// How many slices to cut a reduction of <paramref name="terms"/> per group into, when only
    /// <paramref name="groups"/> groups would otherwise run: enough to fill the device, but never
    /// slices shorter than <paramref name="minimumSlice"/> (then the partial sums cost more than they save).
    /// </summary>
    private int SlicesFor(long groups, int terms, int minimumSlice)
    {
        // Forcing is capped at half the terms, so the second stage is always shorter than the first.
        if (ForcedReductionSlices is int forced) return Math.Clamp(forced, 1, Math.Max(1, terms / 2));
        if (groups * 2 >= MaxGroups) return 1;
        long wanted = (MaxGroups + groups - 1) / groups;
        return (int)Math.Clamp(Math.Min(wanted, terms / Math.Max(1, minimumSlice)), 1, 1024);
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
