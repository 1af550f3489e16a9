using ILGPU;
using KernelGan.Kernels.Formulas;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>
/// A <see cref="BroadcastPlan"/> as fixed fields (kernels can't take arrays): right-aligned, so the
/// innermost dim is D5 and unused outer dims are 1 with stride 0.
/// </summary>
internal struct BroadcastArgs
{
    public int Count;
    public BinaryOp Op;
    /// <summary>Which gradients BinaryBackward writes: bit 0 = ga, bit 1 = gb.</summary>
    public int Outputs;
    public int D0, D1, D2, D3, D4, D5;
    public int A0, A1, A2, A3, A4, A5;
    public int B0, B1, B2, B3, B4, B5;

    public static BroadcastArgs From(BroadcastPlan plan, BinaryOp op)
    {
        var dims = new int[BroadcastPlan.MaxRank];
        var aStrides = new int[BroadcastPlan.MaxRank];
        var bStrides = new int[BroadcastPlan.MaxRank];
        Array.Fill(dims, 1);
        int shift = BroadcastPlan.MaxRank - plan.Rank;
        for (int d = 0; d < plan.Rank; d++)
        {
            dims[shift + d] = plan.Dims[d];
            aStrides[shift + d] = plan.AStrides[d];
            bStrides[shift + d] = plan.BStrides[d];
        }
        return new BroadcastArgs
        {
            Count = plan.Count, Op = op,
            D0 = dims[0], D1 = dims[1], D2 = dims[2], D3 = dims[3], D4 = dims[4], D5 = dims[5],
            A0 = aStrides[0], A1 = aStrides[1], A2 = aStrides[2], A3 = aStrides[3], A4 = aStrides[4], A5 = aStrides[5],
            B0 = bStrides[0], B1 = bStrides[1], B2 = bStrides[2], B3 = bStrides[3], B4 = bStrides[4], B5 = bStrides[5],
        };
    }
}

/// <summary>
/// Broadcast binary ops (the shared formulas of <see cref="BinaryFormulas"/> on <see cref="DeviceFloat"/>):
/// one thread per output element, operand offsets from the merged plan.
/// </summary>
internal static class BroadcastKernels
{
    public static void Binary(ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, BroadcastArgs p)
    {
        for (int i = GridStride.Start; i < p.Count; i += GridStride.Step)
        {
            Offsets(p, i, out int ao, out int bo);
            y[i] = BinaryFormulas.Forward(p.Op, new DeviceFloat(a[ao]), new DeviceFloat(b[bo])).Value;
        }
    }

    public static void BinaryBackward(ArrayView<float> a, ArrayView<float> b, ArrayView<float> gy,
                                      ArrayView<float> ga, ArrayView<float> gb, BroadcastArgs p)
    {
        for (int i = GridStride.Start; i < p.Count; i += GridStride.Step)
        {
            Offsets(p, i, out int ao, out int bo);
            BinaryFormulas.Gradients(p.Op, new DeviceFloat(a[ao]), new DeviceFloat(b[bo]), new DeviceFloat(gy[i]), out var da, out var db);
            if ((p.Outputs & 1) != 0) ga[i] = da.Value;
            if ((p.Outputs & 2) != 0) gb[i] = db.Value;
        }
    }

    /// <summary>Element offsets into a and b of output element i.</summary>
    private static void Offsets(BroadcastArgs p, int i, out int ao, out int bo)
    {
        ao = 0;
        bo = 0;
        int rest = i;
        Step(ref rest, p.D5, p.A5, p.B5, ref ao, ref bo);
        Step(ref rest, p.D4, p.A4, p.B4, ref ao, ref bo);
        Step(ref rest, p.D3, p.A3, p.B3, ref ao, ref bo);
        Step(ref rest, p.D2, p.A2, p.B2, ref ao, ref bo);
        Step(ref rest, p.D1, p.A1, p.B1, ref ao, ref bo);
        ao += rest * p.A0;
        bo += rest * p.B0;
    }

    /// <summary>Peels one dim off the running index; dims of extent 1 (padding) cost only a compare.</summary>
    private static void Step(ref int rest, int extent, int aStride, int bStride, ref int ao, ref int bo)
    {
        if (extent == 1) return;
        int outer = rest / extent;
        int idx = rest - outer * extent;
        ao += idx * aStride;
        bo += idx * bStride;
        rest = outer;
    }
}
