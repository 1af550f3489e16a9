using ILGPU;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>
/// Tree reductions across one thread group through shared memory. Portable on purpose (no warp
/// shuffles): the same code is right for any warp size, including the CPU simulator's. Every thread
/// of the group must call these (they contain barriers); all threads get the result.
/// </summary>
internal static class GroupReduce
{
    /// <summary>The largest group the reduction kernels launch; their shared arrays are sized for it.</summary>
    public const int MaxGroupSize = 256;

    /// <summary>Sum of <paramref name="value"/> over the group. Group.DimX must be a power of two.</summary>
    public static float Sum(ArrayView<float> shared, float value)
    {
        int t = Group.IdxX;
        shared[t] = value;
        Group.Barrier();
        for (int half = Group.DimX / 2; half > 0; half >>= 1)
        {
            if (t < half) shared[t] += shared[t + half];
            Group.Barrier();
        }
        float total = shared[0];
        // Nobody may overwrite shared[0] (a following reduction) before everyone has read it.
        Group.Barrier();
        return total;
    }

    /// <summary>Maximum of <paramref name="value"/> over the group.</summary>
    public static float Max(ArrayView<float> shared, float value)
    {
        int t = Group.IdxX;
        shared[t] = value;
        Group.Barrier();
        for (int half = Group.DimX / 2; half > 0; half >>= 1)
        {
            if (t < half) shared[t] = MathF.Max(shared[t], shared[t + half]);
            Group.Barrier();
        }
        float total = shared[0];
        Group.Barrier();
        return total;
    }

    /// <summary>Two sums at once (one pass of barriers); shared must hold 2 * Group.DimX floats.</summary>
    public static void Sum2(ArrayView<float> shared, ref float first, ref float second)
    {
        int t = Group.IdxX, size = Group.DimX;
        shared[t] = first;
        shared[size + t] = second;
        Group.Barrier();
        for (int half = size / 2; half > 0; half >>= 1)
        {
            if (t < half)
            {
                shared[t] += shared[t + half];
                shared[size + t] += shared[size + t + half];
            }
            Group.Barrier();
        }
        first = shared[0];
        second = shared[size];
        Group.Barrier();
    }
}
