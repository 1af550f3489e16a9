using System.Runtime.Intrinsics;

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
        new Span<float>(y + i0, i1 - i0).Clear();
        for (int m = 0; m < rows; m++)
        {
            float* row = x + (long)m * stride;
            int i = i0;
            if (Vector512.IsHardwareAccelerated)
                for (; i <= i1 - 16; i += 16)
                    Vector512.Store(Vector512.Load(y + i) + Vector512.Load(row + i), y + i);
            for (; i < i1; i++) y[i] += row[i];
        }
    }

    internal static float SumRun(float* p, int n)
    {
        int i = 0;
        float s = 0f;
        if (Vector512.IsHardwareAccelerated && n >= 64)
        {
            // Four accumulators hide the add latency.
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (; i <= n - 64; i += 64)
            {
                a0 += Vector512.Load(p + i);
                a1 += Vector512.Load(p + i + 16);
                a2 += Vector512.Load(p + i + 32);
                a3 += Vector512.Load(p + i + 48);
            }
            s = Vector512.Sum((a0 + a1) + (a2 + a3));
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
