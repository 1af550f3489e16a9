using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using KernelGan.Kernels.Cpu.Simd;
using KernelGan.Kernels.Formulas;

namespace KernelGan.Kernels.Cpu;

/// <summary>
/// Broadcast binary ops and axpby: each op's formula (<see cref="BinaryFormulas"/>) in generic loops,
/// on SIMD registers where the operands are contiguous or broadcast scalars, on <see cref="HostFloat"/> elsewhere.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    public void Binary(BinaryOp op, DeviceBuffer a, int[] aShape, DeviceBuffer b, int[] bShape,
                       DeviceBuffer y, int[] yShape)
    {
        using var alive = Alive(a, b, y);
        var map = new BinaryMap { Plan = BroadcastPlan.Create(aShape, bShape, yShape), A = Ptr(a), B = Ptr(b), Y = Ptr(y) };
        if (!BinaryFormulas.Dispatch(op, ref map)) throw new ArgumentOutOfRangeException(nameof(op));
    }

    public void BinaryBackward(BinaryOp op, DeviceBuffer a, int[] aShape, DeviceBuffer b, int[] bShape,
                               DeviceBuffer gy, int[] yShape, DeviceBuffer? ga, DeviceBuffer? gb)
    {
        using var alive = Alive(a, b, gy, ga, gb);
        // The common products reuse the forward kernel: d(a*b)/da = gy*b, d(a/b)/da = gy/b.
        if (op == BinaryOp.Mul)
        {
            if (ga is not null) Binary(BinaryOp.Mul, gy, yShape, b, bShape, ga, yShape);
            if (gb is not null) Binary(BinaryOp.Mul, gy, yShape, a, aShape, gb, yShape);
            return;
        }
        if (op == BinaryOp.Div && gb is null)
        {
            if (ga is not null) Binary(BinaryOp.Div, gy, yShape, b, bShape, ga, yShape);
            return;
        }
        var grad = new BinaryGradMap
        {
            Plan = BroadcastPlan.Create(aShape, bShape, yShape),
            A = Ptr(a), B = Ptr(b), Gy = Ptr(gy), Ga = PtrOrNull(ga), Gb = PtrOrNull(gb),
        };
        if (!BinaryFormulas.Dispatch(op, ref grad)) throw new ArgumentOutOfRangeException(nameof(op));
    }

    /// <summary>y = f(a, b) over a broadcast plan.</summary>
    private struct BinaryMap : BinaryFormulas.IUser
    {
        public BroadcastPlan Plan;
        public float* A, B, Y;

        public readonly void Use<TF>() where TF : struct, IBinaryFormula => Broadcast<TF>(Plan, A, B, Y);
    }

    /// <summary>ga = gy df/da, gb = gy df/db (either may be null) over a broadcast plan, ga and gb at y's shape.</summary>
    private struct BinaryGradMap : BinaryFormulas.IUser
    {
        public BroadcastPlan Plan;
        public float* A, B, Gy, Ga, Gb;

        public readonly void Use<TF>() where TF : struct, IBinaryFormula
        {
            var plan = Plan;
            float* pa = A, pb = B, pg = Gy, pga = Ga, pgb = Gb;
            if (plan.Rank == 1 && plan.AStrides[0] == 1 && plan.BStrides[0] == 1)
            {
                // Same shapes (ILSGAN's binarization term, min(m, 1 - m)): whole registers.
                CpuParallel.For(plan.Count, PointwiseGrain, (s, e) =>
                {
                    if (Vector512.IsHardwareAccelerated) GradientRange<TF, V512>(pa, pb, pg, pga, pgb, s, e);
                    else if (Vector256.IsHardwareAccelerated) GradientRange<TF, V256>(pa, pb, pg, pga, pgb, s, e);
                    else GradientRange<TF, V128>(pa, pb, pg, pga, pgb, s, e);
                });
                return;
            }
            int inner = plan.Dims[^1];
            int rows = plan.Count / inner;
            int aStep = plan.AStrides[^1], bStep = plan.BStrides[^1];
            CpuParallel.For(rows, Math.Max(1, PointwiseGrain / inner), (r0, r1) =>
            {
                for (int r = r0; r < r1; r++)
                {
                    RowOffsets(plan, r, out long ao, out long bo);
                    long yo = (long)r * inner;
                    for (int i = 0; i < inner; i++)
                    {
                        HostFloat av = new(pa[ao + (long)i * aStep]), bv = new(pb[bo + (long)i * bStep]), g = new(pg[yo + i]);
                        if (pga != null) pga[yo + i] = TF.GradientA(av, bv, g).Value;
                        if (pgb != null) pgb[yo + i] = TF.GradientB(av, bv, g).Value;
                    }
                }
            });
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GradientRange<TF, TV>(float* a, float* b, float* gy, float* ga, float* gb, int s, int e)
        where TF : struct, IBinaryFormula where TV : unmanaged, IVec<TV>
    {
        int i = s;
        for (; i <= e - TV.Lanes; i += TV.Lanes)
        {
            TV va = TV.Load(a + i), vb = TV.Load(b + i), g = TV.Load(gy + i);
            if (ga != null) TF.GradientA(va, vb, g).Store(ga + i);
            if (gb != null) TF.GradientB(va, vb, g).Store(gb + i);
        }
        for (; i < e; i++)
        {
            HostFloat va = new(a[i]), vb = new(b[i]), g = new(gy[i]);
            if (ga != null) ga[i] = TF.GradientA(va, vb, g).Value;
            if (gb != null) gb[i] = TF.GradientB(va, vb, g).Value;
        }
    }

    public void Axpby(float alpha, DeviceBuffer x, float beta, DeviceBuffer y, int n)
    {
        using var alive = Alive(x, y);
        float* px = Ptr(x), py = Ptr(y);
        CpuParallel.For(n, PointwiseGrain, (s, e) =>
        {
            if (Vector512.IsHardwareAccelerated) AxpbyRange<V512>(alpha, px, beta, py, s, e);
            else if (Vector256.IsHardwareAccelerated) AxpbyRange<V256>(alpha, px, beta, py, s, e);
            else AxpbyRange<V128>(alpha, px, beta, py, s, e);
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AxpbyRange<TV>(float alpha, float* x, float beta, float* y, int s, int e) where TV : unmanaged, IVec<TV>
    {
        int i = s;
        var va = TV.Broadcast(alpha);
        var vb = TV.Broadcast(beta);
        for (; i <= e - TV.Lanes; i += TV.Lanes) BinaryFormulas.Axpby(va, TV.Load(x + i), vb, TV.Load(y + i)).Store(y + i);
        HostFloat ha = new(alpha), hb = new(beta);
        for (; i < e; i++) y[i] = BinaryFormulas.Axpby(ha, new HostFloat(x[i]), hb, new HostFloat(y[i])).Value;
    }

    /// <summary>Start offsets into a and b of output row r (rows are the plan's innermost dim).</summary>
    private static void RowOffsets(BroadcastPlan plan, int r, out long ao, out long bo)
    {
        ao = 0; bo = 0;
        for (int d = plan.Rank - 2; d >= 0; d--)
        {
            int extent = plan.Dims[d];
            int idx = r % extent;
            r /= extent;
            ao += (long)idx * plan.AStrides[d];
            bo += (long)idx * plan.BStrides[d];
        }
    }

    private static void Broadcast<TF>(BroadcastPlan plan, float* a, float* b, float* y) where TF : struct, IBinaryFormula
    {
        int inner = plan.Dims[^1];
        int rows = plan.Count / inner;
        int aStep = plan.AStrides[^1], bStep = plan.BStrides[^1];
        if (rows == 1)
        {
            // One long row: split the row itself across cores.
            CpuParallel.For(inner, PointwiseGrain, (s, e) => Row<TF>(a, aStep, b, bStep, y, s, e));
            return;
        }
        CpuParallel.For(rows, Math.Max(1, PointwiseGrain / inner), (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                RowOffsets(plan, r, out long ao, out long bo);
                long yo = (long)r * inner;
                Row<TF>(a + ao, aStep, b + bo, bStep, y + yo, 0, inner);
            }
        });
    }

    /// <summary>y[i] = f(a[i*aStep], b[i*bStep]) for i in [s, e); steps are 0 (broadcast) or 1.</summary>
    private static void Row<TF>(float* a, int aStep, float* b, int bStep, float* y, int s, int e) where TF : struct, IBinaryFormula
    {
        if (Vector512.IsHardwareAccelerated) Row<TF, V512>(a, aStep, b, bStep, y, s, e);
        else if (Vector256.IsHardwareAccelerated) Row<TF, V256>(a, aStep, b, bStep, y, s, e);
        else Row<TF, V128>(a, aStep, b, bStep, y, s, e);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row<TF, TV>(float* a, int aStep, float* b, int bStep, float* y, int s, int e)
        where TF : struct, IBinaryFormula where TV : unmanaged, IVec<TV>
    {
        int i = s, lanes = TV.Lanes;
        if (aStep == 1 && bStep == 1)
            for (; i <= e - lanes; i += lanes) TF.Forward(TV.Load(a + i), TV.Load(b + i)).Store(y + i);
        else if (aStep == 1)
        {
            var vb = TV.Broadcast(b[0]);
            for (; i <= e - lanes; i += lanes) TF.Forward(TV.Load(a + i), vb).Store(y + i);
        }
        else if (bStep == 1)
        {
            var va = TV.Broadcast(a[0]);
            for (; i <= e - lanes; i += lanes) TF.Forward(va, TV.Load(b + i)).Store(y + i);
        }
        for (; i < e; i++) y[i] = TF.Forward(new HostFloat(a[i * aStep]), new HostFloat(b[i * bStep])).Value;
    }
}
