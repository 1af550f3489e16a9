using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace KernelGan.Kernels.Cpu;

/// <summary>One pointwise function in scalar and 16-lane form, so a single generic loop serves all.</summary>
internal interface IUnaryFunc
{
    float Scalar(float x);
    Vector512<float> Vector(Vector512<float> x);
}

/// <summary>A pointwise derivative gy * f'(x) using x and the forward output y.</summary>
internal interface IUnaryGrad
{
    float Scalar(float x, float y, float gy);
    Vector512<float> Vector(Vector512<float> x, Vector512<float> y, Vector512<float> gy);
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MapRange<TF>(TF f, float* x, float* y, int start, int end) where TF : struct, IUnaryFunc
    {
        int i = start;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= end - 16; i += 16)
                Vector512.Store(f.Vector(Vector512.Load(x + i)), y + i);
        for (; i < end; i++) y[i] = f.Scalar(x[i]);
    }

    private static void MapGrad<TG>(TG g, float* x, float* y, float* gy, float* gx, int n) where TG : struct, IUnaryGrad =>
        CpuParallel.For(n, PointwiseGrain, (s, e) =>
        {
            int i = s;
            if (Vector512.IsHardwareAccelerated)
                for (; i <= e - 16; i += 16)
                    Vector512.Store(g.Vector(Vector512.Load(x + i), Vector512.Load(y + i), Vector512.Load(gy + i)), gx + i);
            for (; i < e; i++) gx[i] = g.Scalar(x[i], y[i], gy[i]);
        });

    private static void MapScalar(UnaryOp op, float* x, float* y, int n, float a, float b) =>
        CpuParallel.For(n, PointwiseGrain, (s, e) =>
        {
            for (int i = s; i < e; i++) y[i] = Pointwise.Apply(op, x[i], a, b);
        });

    // ---- the functions; scalar forms defer to Pointwise so all backends share one definition

    private readonly struct AffineF(float a, float b) : IUnaryFunc
    {
        public float Scalar(float x) => a * x + b;
        public Vector512<float> Vector(Vector512<float> x) => Vector512.FusedMultiplyAdd(x, Vector512.Create(a), Vector512.Create(b));
    }

    private readonly struct ExpF : IUnaryFunc
    {
        public float Scalar(float x) => MathF.Exp(x);
        public Vector512<float> Vector(Vector512<float> x) => Vector512.Exp(x);
    }

    private readonly struct LogF : IUnaryFunc
    {
        public float Scalar(float x) => MathF.Log(x);
        public Vector512<float> Vector(Vector512<float> x) => Vector512.Log(x);
    }

    private readonly struct SqrtF : IUnaryFunc
    {
        public float Scalar(float x) => MathF.Sqrt(x);
        public Vector512<float> Vector(Vector512<float> x) => Vector512.Sqrt(x);
    }

    private readonly struct AbsF : IUnaryFunc
    {
        public float Scalar(float x) => MathF.Abs(x);
        public Vector512<float> Vector(Vector512<float> x) => Vector512.Abs(x);
    }

    private readonly struct SquareF : IUnaryFunc
    {
        public float Scalar(float x) => x * x;
        public Vector512<float> Vector(Vector512<float> x) => x * x;
    }

    private readonly struct ReciprocalF : IUnaryFunc
    {
        public float Scalar(float x) => 1f / x;
        public Vector512<float> Vector(Vector512<float> x) => Vector512<float>.One / x;
    }

    private readonly struct LeakyReluF(float slope) : IUnaryFunc
    {
        public float Scalar(float x) => x > 0f ? x : slope * x;
        public Vector512<float> Vector(Vector512<float> x) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), x, x * slope);
    }

    private readonly struct SigmoidF : IUnaryFunc
    {
        public float Scalar(float x) => Pointwise.Sigmoid(x);
        public Vector512<float> Vector(Vector512<float> x) => Vector512<float>.One / (Vector512<float>.One + Vector512.Exp(-x));
    }

    /// <summary>tanh(x) = sign(x) * (1 - 2 / (exp(2|x|) + 1)): no overflow, no cancellation for large |x|.</summary>
    private readonly struct TanhF : IUnaryFunc
    {
        public float Scalar(float x) => MathF.Tanh(x);
        public Vector512<float> Vector(Vector512<float> x)
        {
            var ax = Vector512.Abs(x);
            var e = Vector512.Exp(ax + ax);
            var t = Vector512<float>.One - Vector512.Create(2f) / (e + Vector512<float>.One);
            // Small |x| loses digits in 1 - 2/(e+1); the odd Taylor series is exact enough there.
            var x2 = x * x;
            var series = ax * (Vector512<float>.One + x2 * (Vector512.Create(-1f / 3f) + x2 * (Vector512.Create(2f / 15f) + x2 * Vector512.Create(-17f / 315f))));
            t = Vector512.ConditionalSelect(Vector512.LessThan(ax, Vector512.Create(0.0625f)), series, t);
            return Vector512.CopySign(t, x);
        }
    }

    private readonly struct SoftplusF : IUnaryFunc
    {
        public float Scalar(float x) => Pointwise.Softplus(x);
        public Vector512<float> Vector(Vector512<float> x) =>
            Vector512.Max(x, Vector512<float>.Zero) + Vector512.Log(Vector512<float>.One + Vector512.Exp(-Vector512.Abs(x)));
    }

    private readonly struct ClampF(float lo, float hi) : IUnaryFunc
    {
        public float Scalar(float x) => MathF.Min(MathF.Max(x, lo), hi);
        public Vector512<float> Vector(Vector512<float> x) => Vector512.Min(Vector512.Max(x, Vector512.Create(lo)), Vector512.Create(hi));
    }

    private readonly struct LeakyReluG(float slope) : IUnaryGrad
    {
        public float Scalar(float x, float y, float gy) => x > 0f ? gy : slope * gy;
        public Vector512<float> Vector(Vector512<float> x, Vector512<float> y, Vector512<float> gy) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), gy, gy * slope);
    }

    private readonly struct SigmoidG : IUnaryGrad
    {
        public float Scalar(float x, float y, float gy) => gy * y * (1f - y);
        public Vector512<float> Vector(Vector512<float> x, Vector512<float> y, Vector512<float> gy) => gy * y * (Vector512<float>.One - y);
    }

    private readonly struct TanhG : IUnaryGrad
    {
        public float Scalar(float x, float y, float gy) => gy * (1f - y * y);
        public Vector512<float> Vector(Vector512<float> x, Vector512<float> y, Vector512<float> gy) => gy * (Vector512<float>.One - y * y);
    }

    private readonly struct ExpG : IUnaryGrad
    {
        public float Scalar(float x, float y, float gy) => gy * y;
        public Vector512<float> Vector(Vector512<float> x, Vector512<float> y, Vector512<float> gy) => gy * y;
    }
}
