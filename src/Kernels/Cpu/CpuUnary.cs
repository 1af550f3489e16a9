using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using KernelGan.Kernels.Cpu.Simd;

namespace KernelGan.Kernels.Cpu;

/// <summary>One pointwise function in scalar and vector form (any register width), so a single generic loop serves all.</summary>
internal interface IUnaryFunc
{
    float Scalar(float x);
    TV Vector<TV>(TV x) where TV : unmanaged, IVec<TV>;
}

/// <summary>A pointwise derivative gy * f'(x) using x and the forward output y.</summary>
internal interface IUnaryGrad
{
    float Scalar(float x, float y, float gy);
    TV Vector<TV>(TV x, TV y, TV gy) where TV : unmanaged, IVec<TV>;
}

public sealed unsafe partial class CpuBackend
{
    private const int PointwiseGrain = 32768;

    public void Unary(UnaryOp op, DeviceBuffer x, DeviceBuffer y, int n, float a = 0f, float b = 0f)
    {
        using var alive = Alive(x, y);
        float* px = Ptr(x), py = Ptr(y);
        switch (op)
        {
            case UnaryOp.Affine: Map(new AffineF(a, b), px, py, n); break;
            case UnaryOp.Exp: Map(new ExpF(), px, py, n); break;
            case UnaryOp.Log: Map(new LogF(), px, py, n); break;
            case UnaryOp.Sqrt: Map(new SqrtF(), px, py, n); break;
            case UnaryOp.Abs: Map(new AbsF(), px, py, n); break;
            case UnaryOp.Square: Map(new SquareF(), px, py, n); break;
            case UnaryOp.Reciprocal: Map(new ReciprocalF(), px, py, n); break;
            case UnaryOp.Relu: Map(new LeakyReluF(0f), px, py, n); break;
            case UnaryOp.LeakyRelu: Map(new LeakyReluF(a), px, py, n); break;
            case UnaryOp.Sigmoid: Map(new SigmoidF(), px, py, n); break;
            case UnaryOp.Tanh: Map(new TanhF(), px, py, n); break;
            case UnaryOp.Softplus: Map(new SoftplusF(), px, py, n); break;
            case UnaryOp.Clamp: Map(new ClampF(a, b), px, py, n); break;
            default: MapScalar(op, px, py, n, a, b); break;
        }
    }

    public void UnaryBackward(UnaryOp op, DeviceBuffer x, DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx,
                              int n, float a = 0f, float b = 0f)
    {
        using var alive = Alive(x, y, gy, gx);
        float* px = Ptr(x), py = Ptr(y), pg = Ptr(gy), pgx = Ptr(gx);
        switch (op)
        {
            case UnaryOp.Relu: MapGrad(new LeakyReluG(0f), px, py, pg, pgx, n); break;
            case UnaryOp.LeakyRelu: MapGrad(new LeakyReluG(a), px, py, pg, pgx, n); break;
            case UnaryOp.Sigmoid: MapGrad(new SigmoidG(), px, py, pg, pgx, n); break;
            case UnaryOp.Tanh: MapGrad(new TanhG(), px, py, pg, pgx, n); break;
            case UnaryOp.Exp: MapGrad(new ExpG(), px, py, pg, pgx, n); break;
            case UnaryOp.Affine: Map(new AffineF(a, 0f), pg, pgx, n); break;
            default:
                CpuParallel.For(n, PointwiseGrain, (s, e) =>
                {
                    for (int i = s; i < e; i++) pgx[i] = Pointwise.Derivative(op, px[i], py[i], pg[i], a, b);
                });
                break;
        }
    }

    private static void Map<TF>(TF f, float* x, float* y, int n) where TF : struct, IUnaryFunc =>
        CpuParallel.For(n, PointwiseGrain, (s, e) => MapRange(f, x, y, s, e));

    private static void MapRange<TF>(TF f, float* x, float* y, int start, int end) where TF : struct, IUnaryFunc
    {
        if (Vector512.IsHardwareAccelerated) MapRange<TF, V512>(f, x, y, start, end);
        else if (Vector256.IsHardwareAccelerated) MapRange<TF, V256>(f, x, y, start, end);
        else MapRange<TF, V128>(f, x, y, start, end);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MapRange<TF, TV>(TF f, float* x, float* y, int start, int end)
        where TF : struct, IUnaryFunc where TV : unmanaged, IVec<TV>
    {
        int i = start;
        for (; i <= end - TV.Lanes; i += TV.Lanes) f.Vector(TV.Load(x + i)).Store(y + i);
        for (; i < end; i++) y[i] = f.Scalar(x[i]);
    }

    private static void MapGrad<TG>(TG g, float* x, float* y, float* gy, float* gx, int n) where TG : struct, IUnaryGrad =>
        CpuParallel.For(n, PointwiseGrain, (s, e) =>
        {
            if (Vector512.IsHardwareAccelerated) MapGradRange<TG, V512>(g, x, y, gy, gx, s, e);
            else if (Vector256.IsHardwareAccelerated) MapGradRange<TG, V256>(g, x, y, gy, gx, s, e);
            else MapGradRange<TG, V128>(g, x, y, gy, gx, s, e);
        });

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MapGradRange<TG, TV>(TG g, float* x, float* y, float* gy, float* gx, int start, int end)
        where TG : struct, IUnaryGrad where TV : unmanaged, IVec<TV>
    {
        int i = start;
        for (; i <= end - TV.Lanes; i += TV.Lanes) g.Vector(TV.Load(x + i), TV.Load(y + i), TV.Load(gy + i)).Store(gx + i);
        for (; i < end; i++) gx[i] = g.Scalar(x[i], y[i], gy[i]);
    }

    private static void MapScalar(UnaryOp op, float* x, float* y, int n, float a, float b) =>
        CpuParallel.For(n, PointwiseGrain, (s, e) =>
        {
            for (int i = s; i < e; i++) y[i] = Pointwise.Apply(op, x[i], a, b);
        });

    // ---- the functions; scalar forms defer to Pointwise so all backends share one definition

    private readonly struct AffineF(float a, float b) : IUnaryFunc
    {
        public float Scalar(float x) => a * x + b;
        public TV Vector<TV>(TV x) where TV : unmanaged, IVec<TV> => TV.MultiplyAdd(x, TV.Broadcast(a), TV.Broadcast(b));
    }

    private readonly struct ExpF : IUnaryFunc
    {
        public float Scalar(float x) => MathF.Exp(x);
        public TV Vector<TV>(TV x) where TV : unmanaged, IVec<TV> => TV.Exp(x);
    }

    private readonly struct LogF : IUnaryFunc
    {
        public float Scalar(float x) => MathF.Log(x);
        public TV Vector<TV>(TV x) where TV : unmanaged, IVec<TV> => TV.Log(x);
    }

    private readonly struct SqrtF : IUnaryFunc
    {
        public float Scalar(float x) => MathF.Sqrt(x);
        public TV Vector<TV>(TV x) where TV : unmanaged, IVec<TV> => TV.Sqrt(x);
    }

    private readonly struct AbsF : IUnaryFunc
    {
        public float Scalar(float x) => MathF.Abs(x);
        public TV Vector<TV>(TV x) where TV : unmanaged, IVec<TV> => TV.Abs(x);
    }

    private readonly struct SquareF : IUnaryFunc
    {
        public float Scalar(float x) => x * x;
        public TV Vector<TV>(TV x) where TV : unmanaged, IVec<TV> => x * x;
    }

    private readonly struct ReciprocalF : IUnaryFunc
    {
        public float Scalar(float x) => 1f / x;
        public TV Vector<TV>(TV x) where TV : unmanaged, IVec<TV> => TV.Broadcast(1f) / x;
    }

    private readonly struct LeakyReluF(float slope) : IUnaryFunc
    {
        public float Scalar(float x) => x > 0f ? x : slope * x;
        public TV Vector<TV>(TV x) where TV : unmanaged, IVec<TV> =>
            TV.Select(TV.GreaterThan(x, TV.Zero), x, x * TV.Broadcast(slope));
    }

    private readonly struct SigmoidF : IUnaryFunc
    {
        public float Scalar(float x) => Pointwise.Sigmoid(x);
        public TV Vector<TV>(TV x) where TV : unmanaged, IVec<TV> => TV.Broadcast(1f) / (TV.Broadcast(1f) + TV.Exp(-x));
    }

    /// <summary>tanh(x) = sign(x) * (1 - 2 / (exp(2|x|) + 1)): no overflow, no cancellation for large |x|.</summary>
    private readonly struct TanhF : IUnaryFunc
    {
        public float Scalar(float x) => MathF.Tanh(x);
        public TV Vector<TV>(TV x) where TV : unmanaged, IVec<TV>
        {
            var ax = TV.Abs(x);
            var e = TV.Exp(ax + ax);
            var t = TV.Broadcast(1f) - TV.Broadcast(2f) / (e + TV.Broadcast(1f));
            // Small |x| loses digits in 1 - 2/(e+1); the odd Taylor series is exact enough there.
            var x2 = x * x;
            var series = ax * (TV.Broadcast(1f) + x2 * (TV.Broadcast(-1f / 3f) + x2 * (TV.Broadcast(2f / 15f) + x2 * TV.Broadcast(-17f / 315f))));
            t = TV.Select(TV.LessThan(ax, TV.Broadcast(0.0625f)), series, t);
            return TV.CopySign(t, x);
        }
    }

    private readonly struct SoftplusF : IUnaryFunc
    {
        public float Scalar(float x) => Pointwise.Softplus(x);
        public TV Vector<TV>(TV x) where TV : unmanaged, IVec<TV> =>
            TV.Max(x, TV.Zero) + TV.Log(TV.Broadcast(1f) + TV.Exp(-TV.Abs(x)));
    }

    private readonly struct ClampF(float lo, float hi) : IUnaryFunc
    {
        public float Scalar(float x) => MathF.Min(MathF.Max(x, lo), hi);
        public TV Vector<TV>(TV x) where TV : unmanaged, IVec<TV> => TV.Min(TV.Max(x, TV.Broadcast(lo)), TV.Broadcast(hi));
    }

    private readonly struct LeakyReluG(float slope) : IUnaryGrad
    {
        public float Scalar(float x, float y, float gy) => x > 0f ? gy : slope * gy;
        public TV Vector<TV>(TV x, TV y, TV gy) where TV : unmanaged, IVec<TV> =>
            TV.Select(TV.GreaterThan(x, TV.Zero), gy, gy * TV.Broadcast(slope));
    }

    private readonly struct SigmoidG : IUnaryGrad
    {
        public float Scalar(float x, float y, float gy) => gy * y * (1f - y);
        public TV Vector<TV>(TV x, TV y, TV gy) where TV : unmanaged, IVec<TV> => gy * y * (TV.Broadcast(1f) - y);
    }

    private readonly struct TanhG : IUnaryGrad
    {
        public float Scalar(float x, float y, float gy) => gy * (1f - y * y);
        public TV Vector<TV>(TV x, TV y, TV gy) where TV : unmanaged, IVec<TV> => gy * (TV.Broadcast(1f) - y * y);
    }

    private readonly struct ExpG : IUnaryGrad
    {
        public float Scalar(float x, float y, float gy) => gy * y;
        public TV Vector<TV>(TV x, TV y, TV gy) where TV : unmanaged, IVec<TV> => gy * y;
    }
}
