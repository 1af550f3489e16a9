using ILGPU;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>A reduction over the middle axis of x viewed as [Outer, Mid, Inner].</summary>
internal readonly struct ReduceArgs(int outer, int mid, int inner, int columnsPerGroup, int slices = 1)
{
    public readonly int Outer = outer, Mid = mid, Inner = inner;

    /// <summary>For <see cref="ReductionKernels.SumColumns"/>: columns one group covers (the rest of the group splits Mid).</summary>
    public readonly int ColumnsPerGroup = columnsPerGroup;

    /// <summary>
    /// Mid is cut into this many contiguous slices, each summed by its own group into a partial
    /// result laid out [Outer, Slices, Inner]; a second reduction adds the partials. With few
    /// outputs (a full-tensor mean) this is what puts every multiprocessor to work.
    /// </summary>
    public readonly int Slices = slices;

    /// <summary>Length of each slice of Mid (the last may be shorter).</summary>
    public int SliceLength => (Mid + Slices - 1) / Slices;
}

/// <summary>
/// ReduceSum and LogSumExp. Three shapes of work: a short Mid (one thread per output, a plain
/// loop), long contiguous rows (Inner = 1: one group per output, tree reduction) and long strided
/// columns (Inner &gt; 1: a group covers a run of adjacent columns so loads stay coalesced, and its
/// row lanes split Mid).
/// </summary>
internal static class ReductionKernels
{
    public static void SumPerThread(ArrayView<float> x, ArrayView<float> y, ReduceArgs p)
    {
        int outputs = p.Outer * p.Inner;
        for (int t = GridStride.Start; t < outputs; t += GridStride.Step)
        {
            int o = t / p.Inner, i = t - o * p.Inner;
            int at = o * p.Mid * p.Inner + i;
            float s = 0f;
            for (int m = 0; m < p.Mid; m++) s += x[at + m * p.Inner];
            y[t] = s;
        }
    }

    /// <summary>One group per (row, slice): y[o*Slices + slice] = sum of the slice of row o.</summary>
    public static void SumRows(ArrayView<float> x, ArrayView<float> y, ReduceArgs p)
    {
        var shared = SharedMemory.Allocate<float>(GroupReduce.MaxGroupSize);
        int length = p.SliceLength;
        for (int work = Grid.IdxX; work < p.Outer * p.Slices; work += Grid.DimX)
        {
            int o = work / p.Slices, slice = work - o * p.Slices;
            int begin = slice * length, end = Math.Min(p.Mid, begin + length);
            int row = o * p.Mid;
            float s = 0f;
            for (int m = begin + Group.IdxX; m < end; m += Group.DimX) s += x[row + m];
            s = GroupReduce.Sum(shared, s);
            if (Group.IdxX == 0) y[work] = s;
        }
    }

    /// <summary>One group per (outer, slice, run of columns): y[(o*Slices + slice)*Inner + i].</summary>
    public static void SumColumns(ArrayView<float> x, ArrayView<float> y, ReduceArgs p)
    {
        var shared = SharedMemory.Allocate<float>(GroupReduce.MaxGroupSize);
        int columns = p.ColumnsPerGroup;
        int lanes = Group.DimX / columns;
        int column = Group.IdxX % columns, lane = Group.IdxX / columns;
        int chunks = (p.Inner + columns - 1) / columns;
        int length = p.SliceLength;
        for (int work = Grid.IdxX; work < p.Outer * p.Slices * chunks; work += Grid.DimX)
        {
            int rowOfSlices = work / chunks;
            int o = rowOfSlices / p.Slices, slice = rowOfSlices - o * p.Slices;
            int i = (work - rowOfSlices * chunks) * columns + column;
            int begin = slice * length, end = Math.Min(p.Mid, begin + length);
            float s = 0f;
            if (i < p.Inner)
            {
                int at = o * p.Mid * p.Inner + i;
                for (int m = begin + lane; m < end; m += lanes) s += x[at + m * p.Inner];
            }
            shared[Group.IdxX] = s;
            Group.Barrier();
            if (lane == 0 && i < p.Inner)
            {
                for (int l = 1; l < lanes; l++) s += shared[l * columns + column];
                y[rowOfSlices * p.Inner + i] = s;
            }
            Group.Barrier();
        }
    }

    public static void LogSumExpPerThread(ArrayView<float> x, ArrayView<float> y, ReduceArgs p)
    {
        int outputs = p.Outer * p.Inner;
        for (int t = GridStride.Start; t < outputs; t += GridStride.Step)
        {
            int o = t / p.Inner, i = t - o * p.Inner;
            int at = o * p.Mid * p.Inner + i;
            float max = float.NegativeInfinity;
            for (int m = 0; m < p.Mid; m++) max = MathF.Max(max, x[at + m * p.Inner]);
            if (max == float.NegativeInfinity)
            {
                y[t] = max;
                continue;
            }
            float s = 0f;
            for (int m = 0; m < p.Mid; m++) s += DeviceMath.Exp(x[at + m * p.Inner] - max);
            y[t] = max + DeviceMath.Log(s);
        }
    }

    public static void LogSumExpRows(ArrayView<float> x, ArrayView<float> y, ReduceArgs p)
    {
        var shared = SharedMemory.Allocate<float>(GroupReduce.MaxGroupSize);
        for (int o = Grid.IdxX; o < p.Outer; o += Grid.DimX)
        {
            int row = o * p.Mid;
            float max = float.NegativeInfinity;
            for (int m = Group.IdxX; m < p.Mid; m += Group.DimX) max = MathF.Max(max, x[row + m]);
            max = GroupReduce.Max(shared, max);
            float s = 0f;
            if (max != float.NegativeInfinity)
                for (int m = Group.IdxX; m < p.Mid; m += Group.DimX) s += DeviceMath.Exp(x[row + m] - max);
            s = GroupReduce.Sum(shared, s);
            if (Group.IdxX == 0) y[o] = max == float.NegativeInfinity ? max : max + DeviceMath.Log(s);
        }
    }
}
