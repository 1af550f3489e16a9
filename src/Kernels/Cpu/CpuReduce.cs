using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using KernelGan.Kernels.Cpu.Simd;

namespace KernelGan.Kernels.Cpu;

public sealed unsafe partial class CpuBackend
{
    public void ReduceSum(DeviceBuffer x, DeviceBuffer y, int outer, int mid, int inner)
    {
        using var alive = Alive(x, y);
        float* px = Ptr(x), py = Ptr(y);
        if (inner == 1)
        {
            // Sum of contiguous runs: one SIMD dot-with-ones per output.
            CpuParallel.For(outer, Math.Max(1, PointwiseGrain / Math.Max(1, mid)), (o0, o1) =>
            {
                for (int o = o0; o < o1; o++) py[o] = SumRun(px + (long)o * mid, mid);
            });
            return;
        }
        if (outer == 1)
        {
            // Column sums: split the columns across cores, stream the rows.
            CpuParallel.For(inner, Math.Max(16, PointwiseGrain / Math.Max(1, mid)), (i0, i1) =>
                SumRows(px, py, mid, inner, i0, i1));
            return;
        }
        CpuParallel.For(outer, Math.Max(1, PointwiseGrain / Math.Max(1, mid * inner)), (o0, o1) =>
        {
            for (int o = o0; o < o1; o++)
                SumRows(px + (long)o * mid * inner, py + (long)o * inner, mid, inner, 0, inner);
        });
    }

    /// <summary>y[i] = sum over m of x[m*stride + i] for i in [i0, i1).</summary>
    private static void SumRows(float* x, float* y, int rows, int stride, int i0, int i1)
    {
        if (Vector512.IsHardwareAccelerated) SumRows<V512>(x, y, rows, stride, i0, i1);
        else if (Vector256.IsHardwareAccelerated) SumRows<V256>(x, y, rows, stride, i0, i1);
        else SumRows<V128>(x, y, rows, stride, i0, i1);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SumRows<TV>(float* x, float* y, int rows, int stride, int i0, int i1) where TV : unmanaged, IVec<TV>
    {
        new Span<float>(y + i0, i1 - i0).Clear();
        for (int m = 0; m < rows; m++)
        {
            float* row = x + (long)m * stride;
            int i = i0;
            for (; i <= i1 - TV.Lanes; i += TV.Lanes) (TV.Load(y + i) + TV.Load(row + i)).Store(y + i);
            for (; i < i1; i++) y[i] += row[i];
        }
    }

    internal static float SumRun(float* p, int n) =>
        Vector512.IsHardwareAccelerated ? SumRun<V512>(p, n)
        : Vector256.IsHardwareAccelerated ? SumRun<V256>(p, n)
        : SumRun<V128>(p, n);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float SumRun<TV>(float* p, int n) where TV : unmanaged, IVec<TV>
    {
        int i = 0, lanes = TV.Lanes;
        float s = 0f;
        if (n >= 4 * lanes)
        {
            // Four accumulators hide the add latency.
            TV a0 = TV.Zero, a1 = TV.Zero, a2 = TV.Zero, a3 = TV.Zero;
            for (; i <= n - 4 * lanes; i += 4 * lanes)
            {
                a0 += TV.Load(p + i);
                a1 += TV.Load(p + i + lanes);
                a2 += TV.Load(p + i + 2 * lanes);
                a3 += TV.Load(p + i + 3 * lanes);
            }
            s = ((a0 + a1) + (a2 + a3)).Sum();
        }
        for (; i < n; i++) s += p[i];
        return s;
    }

    public void LogSumExp(DeviceBuffer x, DeviceBuffer y, int outer, int mid, int inner)
    {
        using var alive = Alive(x, y);
        float* px = Ptr(x), py = Ptr(y);
        CpuParallel.For(outer * inner, 4096, (s, e) =>
        {
            for (int t = s; t < e; t++)
            {
                int o = t / inner, i = t % inner;
                float* col = px + (long)o * mid * inner + i;
                float max = float.NegativeInfinity;
                for (int m = 0; m < mid; m++) max = MathF.Max(max, col[(long)m * inner]);
                if (float.IsNegativeInfinity(max)) { py[t] = max; continue; }
                double sum = 0;
                for (int m = 0; m < mid; m++) sum += MathF.Exp(col[(long)m * inner] - max);
                py[t] = max + (float)Math.Log(sum);
            }
        });
    }
}
