using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using KernelGan.Kernels.Cpu.Simd;
using KernelGan.Kernels.Formulas;

namespace KernelGan.Kernels.Cpu;

/// <summary>
/// Unary ops: each op's formula (<see cref="UnaryFormulas"/>) runs in one generic loop, on SIMD
/// registers of the machine's width and on <see cref="HostFloat"/> for the tail.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    private const int PointwiseGrain = 32768;

    public void Unary(UnaryOp op, DeviceBuffer x, DeviceBuffer y, int n, float a = 0f, float b = 0f)
    {
        using var alive = Alive(x, y);
        var map = new UnaryMap { X = Ptr(x), Y = Ptr(y), N = n, A = a, B = b };
        if (!UnaryFormulas.Dispatch(op, ref map)) throw new ArgumentOutOfRangeException(nameof(op));
    }

    public void UnaryBackward(UnaryOp op, DeviceBuffer x, DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx,
                              int n, float a = 0f, float b = 0f)
    {
        using var alive = Alive(x, y, gy, gx);
        if (op == UnaryOp.Affine)
        {
            // gx = a gy reads neither x nor y: Affine(a, 0) applied to gy streams one buffer instead of three.
            var scale = new UnaryMap { X = Ptr(gy), Y = Ptr(gx), N = n, A = a, B = 0f };
            scale.Use<UnaryFormulas.Affine>();
            return;
        }
        var map = new UnaryGradMap { X = Ptr(x), Y = Ptr(y), Gy = Ptr(gy), Gx = Ptr(gx), N = n, A = a, B = b };
        if (!UnaryFormulas.Dispatch(op, ref map)) throw new ArgumentOutOfRangeException(nameof(op));
    }

    /// <summary>y = f(x) over n floats, split across cores.</summary>
    private struct UnaryMap : UnaryFormulas.IUser
    {
        public float* X, Y;
        public int N;
        public float A, B;

        public readonly void Use<TF>() where TF : struct, IUnaryFormula
        {
            float* x = X, y = Y;
            float a = A, b = B;
            CpuParallel.For(N, PointwiseGrain, (s, e) =>
            {
                if (Vector512.IsHardwareAccelerated) MapRange<TF, V512>(x, y, a, b, s, e);
                else if (Vector256.IsHardwareAccelerated) MapRange<TF, V256>(x, y, a, b, s, e);
                else MapRange<TF, V128>(x, y, a, b, s, e);
            });
        }
    }

    /// <summary>gx = gy f'(x) over n floats, split across cores.</summary>
    private struct UnaryGradMap : UnaryFormulas.IUser
    {
        public float* X, Y, Gy, Gx;
        public int N;
        public float A, B;

        public readonly void Use<TF>() where TF : struct, IUnaryFormula
        {
            float* x = X, y = Y, gy = Gy, gx = Gx;
            float a = A, b = B;
            CpuParallel.For(N, PointwiseGrain, (s, e) =>
            {
                if (Vector512.IsHardwareAccelerated) MapGradRange<TF, V512>(x, y, gy, gx, a, b, s, e);
                else if (Vector256.IsHardwareAccelerated) MapGradRange<TF, V256>(x, y, gy, gx, a, b, s, e);
                else MapGradRange<TF, V128>(x, y, gy, gx, a, b, s, e);
            });
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MapRange<TF, TV>(float* x, float* y, float a, float b, int start, int end)
        where TF : struct, IUnaryFormula where TV : unmanaged, IVec<TV>
    {
        int i = start;
        TV va = TV.Broadcast(a), vb = TV.Broadcast(b);
        for (; i <= end - TV.Lanes; i += TV.Lanes) TF.Forward(TV.Load(x + i), va, vb).Store(y + i);
        HostFloat ha = new(a), hb = new(b);
        for (; i < end; i++) y[i] = TF.Forward(new HostFloat(x[i]), ha, hb).Value;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MapGradRange<TF, TV>(float* x, float* y, float* gy, float* gx, float a, float b, int start, int end)
        where TF : struct, IUnaryFormula where TV : unmanaged, IVec<TV>
    {
        int i = start;
        TV va = TV.Broadcast(a), vb = TV.Broadcast(b);
        for (; i <= end - TV.Lanes; i += TV.Lanes)
            TF.Backward(TV.Load(x + i), TV.Load(y + i), TV.Load(gy + i), va, vb).Store(gx + i);
        HostFloat ha = new(a), hb = new(b);
        for (; i < end; i++)
            gx[i] = TF.Backward(new HostFloat(x[i]), new HostFloat(y[i]), new HostFloat(gy[i]), ha, hb).Value;
    }
}
