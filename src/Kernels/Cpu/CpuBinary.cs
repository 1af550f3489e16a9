using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using KernelGan.Kernels.Cpu.Simd;

namespace KernelGan.Kernels.Cpu;

internal interface IBinaryFunc
{
    float Scalar(float a, float b);
    TV Vector<TV>(TV a, TV b) where TV : unmanaged, IVec<TV>;
}

public sealed unsafe partial class CpuBackend
{
    public void Binary(BinaryOp op, DeviceBuffer a, int[] aShape, DeviceBuffer b, int[] bShape,
                       DeviceBuffer y, int[] yShape)
    {
        using var alive = Alive(a, b, y);
        var plan = BroadcastPlan.Create(aShape, bShape, yShape);
        float* pa = Ptr(a), pb = Ptr(b), py = Ptr(y);
        switch (op)
        {
            case BinaryOp.Add: Broadcast(new AddF(), plan, pa, pb, py); break;
            case BinaryOp.Sub: Broadcast(new SubF(), plan, pa, pb, py); break;
            case BinaryOp.Mul: Broadcast(new MulF(), plan, pa, pb, py); break;
            case BinaryOp.Div: Broadcast(new DivF(), plan, pa, pb, py); break;
            case BinaryOp.Min: Broadcast(new MinF(), plan, pa, pb, py); break;
            case BinaryOp.Max: Broadcast(new MaxF(), plan, pa, pb, py); break;
            default: throw new ArgumentOutOfRangeException(nameof(op));
        }
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
        var plan = BroadcastPlan.Create(aShape, bShape, yShape);
        float* pa = Ptr(a), pb = Ptr(b), pg = Ptr(gy), pga = PtrOrNull(ga), pgb = PtrOrNull(gb);
        if ((op == BinaryOp.Min || op == BinaryOp.Max) && plan.Rank == 1 && plan.AStrides[0] == 1 && plan.BStrides[0] == 1)
        {
            // Same shapes (ILSGAN's binarization term, min(m, 1 - m)): the routed gradient in vector
            // selects; the general loop below calls the scalar derivative once per element and output.
            bool min = op == BinaryOp.Min;
            CpuParallel.For(plan.Count, PointwiseGrain, (s, e) =>
            {
                if (Vector512.IsHardwareAccelerated) RouteRange<V512>(min, pa, pb, pg, pga, pgb, s, e);
                else if (Vector256.IsHardwareAccelerated) RouteRange<V256>(min, pa, pb, pg, pga, pgb, s, e);
                else RouteRange<V128>(min, pa, pb, pg, pga, pgb, s, e);
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
                    float av = pa[ao + (long)i * aStep], bv = pb[bo + (long)i * bStep], g = pg[yo + i];
                    if (pga != null) pga[yo + i] = Pointwise.DerivativeA(op, av, bv, g);
                    if (pgb != null) pgb[yo + i] = Pointwise.DerivativeB(op, av, bv, g);
                }
            }
        });
    }

    /// <summary>
    /// Min/max backward on same-shape operands: gy goes to a where a wins (a &lt;= b for min, a &gt;= b
    /// for max, ties to a, as <see cref="Pointwise.DerivativeA"/>), else to b.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RouteRange<TV>(bool min, float* a, float* b, float* gy, float* ga, float* gb, int s, int e)
        where TV : unmanaged, IVec<TV>
    {
        int i = s;
        for (; i <= e - TV.Lanes; i += TV.Lanes)
        {
            TV va = TV.Load(a + i), vb = TV.Load(b + i), g = TV.Load(gy + i);
            var aWins = min ? TV.LessThanOrEqual(va, vb) : TV.GreaterThanOrEqual(va, vb);
            if (ga != null) TV.Select(aWins, g, TV.Zero).Store(ga + i);
            if (gb != null) TV.Select(aWins, TV.Zero, g).Store(gb + i);
        }
        BinaryOp op = min ? BinaryOp.Min : BinaryOp.Max;
        for (; i < e; i++)
        {
            if (ga != null) ga[i] = Pointwise.DerivativeA(op, a[i], b[i], gy[i]);
            if (gb != null) gb[i] = Pointwise.DerivativeB(op, a[i], b[i], gy[i]);
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
        for (; i <= e - TV.Lanes; i += TV.Lanes) TV.MultiplyAdd(va, TV.Load(x + i), vb * TV.Load(y + i)).Store(y + i);
        for (; i < e; i++) y[i] = alpha * x[i] + beta * y[i];
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

    private static void Broadcast<TF>(TF f, BroadcastPlan plan, float* a, float* b, float* y) where TF : struct, IBinaryFunc
    {
        int inner = plan.Dims[^1];
        int rows = plan.Count / inner;
        int aStep = plan.AStrides[^1], bStep = plan.BStrides[^1];
        if (rows == 1)
        {
            // One long row: split the row itself across cores.
            CpuParallel.For(inner, PointwiseGrain, (s, e) => Row(f, a, aStep, b, bStep, y, s, e));
            return;
        }
        CpuParallel.For(rows, Math.Max(1, PointwiseGrain / inner), (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                RowOffsets(plan, r, out long ao, out long bo);
                long yo = (long)r * inner;
                Row(f, a + ao, aStep, b + bo, bStep, y + yo, 0, inner);
            }
        });
    }

    /// <summary>y[i] = f(a[i*aStep], b[i*bStep]) for i in [s, e); steps are 0 (broadcast) or 1.</summary>
    private static void Row<TF>(TF f, float* a, int aStep, float* b, int bStep, float* y, int s, int e) where TF : struct, IBinaryFunc
    {
        if (Vector512.IsHardwareAccelerated) Row<TF, V512>(f, a, aStep, b, bStep, y, s, e);
        else if (Vector256.IsHardwareAccelerated) Row<TF, V256>(f, a, aStep, b, bStep, y, s, e);
        else Row<TF, V128>(f, a, aStep, b, bStep, y, s, e);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row<TF, TV>(TF f, float* a, int aStep, float* b, int bStep, float* y, int s, int e)
        where TF : struct, IBinaryFunc where TV : unmanaged, IVec<TV>
    {
        int i = s, lanes = TV.Lanes;
        if (aStep == 1 && bStep == 1)
            for (; i <= e - lanes; i += lanes) f.Vector(TV.Load(a + i), TV.Load(b + i)).Store(y + i);
        else if (aStep == 1)
        {
            var vb = TV.Broadcast(b[0]);
            for (; i <= e - lanes; i += lanes) f.Vector(TV.Load(a + i), vb).Store(y + i);
        }
        else if (bStep == 1)
        {
            var va = TV.Broadcast(a[0]);
            for (; i <= e - lanes; i += lanes) f.Vector(va, TV.Load(b + i)).Store(y + i);
        }
        for (; i < e; i++) y[i] = f.Scalar(a[i * aStep], b[i * bStep]);
    }

    private readonly struct AddF : IBinaryFunc
    {
        public float Scalar(float a, float b) => a + b;
        public TV Vector<TV>(TV a, TV b) where TV : unmanaged, IVec<TV> => a + b;
    }

    private readonly struct SubF : IBinaryFunc
    {
        public float Scalar(float a, float b) => a - b;
        public TV Vector<TV>(TV a, TV b) where TV : unmanaged, IVec<TV> => a - b;
    }

    private readonly struct MulF : IBinaryFunc
    {
        public float Scalar(float a, float b) => a * b;
        public TV Vector<TV>(TV a, TV b) where TV : unmanaged, IVec<TV> => a * b;
    }

    private readonly struct DivF : IBinaryFunc
    {
        public float Scalar(float a, float b) => a / b;
        public TV Vector<TV>(TV a, TV b) where TV : unmanaged, IVec<TV> => a / b;
    }

    private readonly struct MinF : IBinaryFunc
    {
        public float Scalar(float a, float b) => MathF.Min(a, b);
        public TV Vector<TV>(TV a, TV b) where TV : unmanaged, IVec<TV> => TV.Min(a, b);
    }

    private readonly struct MaxF : IBinaryFunc
    {
        public float Scalar(float a, float b) => MathF.Max(a, b);
        public TV Vector<TV>(TV a, TV b) where TV : unmanaged, IVec<TV> => TV.Max(a, b);
    }
}
