namespace KernelGan.Kernels;

/// <summary>
/// A broadcast binary op's iteration space after merging neighbouring dims that broadcast the same
/// way in both operands, e.g. [N,C,H,W] + [1,C,1,1] becomes [N, C, H*W] with strides
/// a = (C*HW, HW, 1), b = (0, 1, 0). Every backend walks this plan, so the cases that matter for
/// speed (same shape, per-channel bias, scalar) collapse to one or two dims.
/// </summary>
public sealed class BroadcastPlan
{
    public const int MaxRank = 6;

    private BroadcastPlan(int[] dims, int[] aStrides, int[] bStrides)
    {
        Dims = dims;
        AStrides = aStrides;
        BStrides = bStrides;
        long total = 1;
        foreach (int d in dims) total *= d;
        Count = (int)total;
    }

    /// <summary>Output extents, outermost first; never empty (a scalar is [1]).</summary>
    public int[] Dims { get; }

    /// <summary>Element strides of operand a per dim (0 where a is broadcast).</summary>
    public int[] AStrides { get; }

    public int[] BStrides { get; }

    public int Count { get; }

    public int Rank => Dims.Length;

    public static BroadcastPlan Create(int[] aShape, int[] bShape, int[] yShape)
    {
        int rank = yShape.Length;
        if (aShape.Length != rank || bShape.Length != rank)
            throw new ArgumentException("broadcast shapes must be left-padded to the same rank");
        var aFull = Strides(aShape);
        var bFull = Strides(bShape);
        var dims = new List<int>();
        var aS = new List<int>();
        var bS = new List<int>();
        for (int i = 0; i < rank; i++)
        {
            if (yShape[i] == 1) continue;
            int sa = aShape[i] == 1 ? 0 : aFull[i];
            int sb = bShape[i] == 1 ? 0 : bFull[i];
            int last = dims.Count - 1;
            // Dims i-1 and i merge when each operand either broadcasts both or walks both contiguously.
            if (last >= 0 && CanMerge(aS[last], sa, yShape[i]) && CanMerge(bS[last], sb, yShape[i]))
            {
                dims[last] *= yShape[i];
                aS[last] = sa;
                bS[last] = sb;
            }
            else
            {
                dims.Add(yShape[i]);
                aS.Add(sa);
                bS.Add(sb);
            }
        }
        if (dims.Count == 0) { dims.Add(1); aS.Add(0); bS.Add(0); }
        return new BroadcastPlan(dims.ToArray(), aS.ToArray(), bS.ToArray());
    }

    private static bool CanMerge(int outerStride, int innerStride, int innerExtent) =>
        (outerStride == 0 && innerStride == 0) || (innerStride != 0 && outerStride == innerStride * innerExtent);

    public static int[] Strides(int[] shape)
    {
        var s = new int[shape.Length];
        int acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]; }
        return s;
    }
}
