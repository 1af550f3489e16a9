using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using KernelGan.Kernels.Cpu.Simd;

namespace KernelGan.Kernels.Cpu;

/// <summary>
/// The multiply-add rate the CPU sustains on the vector path in use: on every core at once, 12
/// independent chains of register-wide multiply-adds (the GEMM micro-kernel's own operation,
/// <see cref="IFloatRegisters{TR}.MultiplyAdd"/>: one FMA, or a multiply and an add on SSE), with
/// no memory traffic. 12 chains cover the latency of two FMA pipes (4 cycles x 2 = 8 in flight) and
/// fit the 16-register paths. It is the roofline for the GEMM and convolution figures: a kernel
/// cannot beat it, so `bench/cpu/run.sh` records it in the same rounds as they are.
/// </summary>
public static class MultiplyAddPeak
{
    public const int Chains = 12;

    /// <summary>Floating-point operations (a multiply and an add each) of one thread's <paramref name="iterations"/>.</summary>
    public static double Flops(long iterations) => 2.0 * Chains * (SimdPath.Width / 32) * iterations;

    /// <summary>
    /// GFLOP/s of <paramref name="threads"/> threads running the chains together for about
    /// <paramref name="seconds"/>, from the first thread's start to the last one's end.
    /// </summary>
    public static double Measure(int threads, double seconds)
    {
        // Calibrate on one thread (the first call also compiles the loop), then size the run.
        var clock = Stopwatch.StartNew();
        long probe = 1 << 16;
        while (clock.Elapsed.TotalSeconds < 0.02) { Run(probe); probe *= 2; }
        double perIteration = clock.Elapsed.TotalSeconds / (probe - (1 << 16)); // probe - 2^16 iterations ran
        long iterations = Math.Max(1, (long)(seconds / perIteration));

        using var start = new Barrier(threads + 1);
        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
        {
            start.SignalAndWait();
            Run(iterations);
        }) { IsBackground = true }).ToList();
        workers.ForEach(w => w.Start());
        start.SignalAndWait();
        clock.Restart();
        workers.ForEach(w => w.Join());
        return threads * Flops(iterations) / clock.Elapsed.TotalSeconds / 1e9;
    }

    /// <summary>One thread's chains for <paramref name="iterations"/> steps; returns the sum of every lane of every chain.</summary>
    public static float Run(long iterations)
    {
        if (Vector512.IsHardwareAccelerated) return Run<Vector512<float>, Registers512>(iterations);
        if (Vector256.IsHardwareAccelerated) return Run<Vector256<float>, Registers256>(iterations);
        return Run<Vector128<float>, Registers128>(iterations);
    }

    /// <summary>
    /// Chain i starts at 1 + i/16 in every lane and steps c = c * 0.5 + 1, so each result is
    /// known in closed form (<see cref="Expected"/>) and the loop cannot be optimized away.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe float Run<TR, TOps>(long iterations) where TR : unmanaged where TOps : IFloatRegisters<TR>
    {
        TR half = TOps.Broadcast(0.5f), one = TOps.Broadcast(1f);
        TR c0 = TOps.Broadcast(1f + 0 / 16f), c1 = TOps.Broadcast(1f + 1 / 16f), c2 = TOps.Broadcast(1f + 2 / 16f), c3 = TOps.Broadcast(1f + 3 / 16f);
        TR c4 = TOps.Broadcast(1f + 4 / 16f), c5 = TOps.Broadcast(1f + 5 / 16f), c6 = TOps.Broadcast(1f + 6 / 16f), c7 = TOps.Broadcast(1f + 7 / 16f);
        TR c8 = TOps.Broadcast(1f + 8 / 16f), c9 = TOps.Broadcast(1f + 9 / 16f), c10 = TOps.Broadcast(1f + 10 / 16f), c11 = TOps.Broadcast(1f + 11 / 16f);
        for (long i = 0; i < iterations; i++)
        {
            c0 = TOps.MultiplyAdd(c0, half, one); c1 = TOps.MultiplyAdd(c1, half, one);
            c2 = TOps.MultiplyAdd(c2, half, one); c3 = TOps.MultiplyAdd(c3, half, one);
            c4 = TOps.MultiplyAdd(c4, half, one); c5 = TOps.MultiplyAdd(c5, half, one);
            c6 = TOps.MultiplyAdd(c6, half, one); c7 = TOps.MultiplyAdd(c7, half, one);
            c8 = TOps.MultiplyAdd(c8, half, one); c9 = TOps.MultiplyAdd(c9, half, one);
            c10 = TOps.MultiplyAdd(c10, half, one); c11 = TOps.MultiplyAdd(c11, half, one);
        }
        // Summed in registers (x * 1 + y): copying the chains into an array made the JIT keep them
        // on the stack through the loop, a store per multiply-add (AVX-512 at a quarter of its peak).
        TR total = TOps.MultiplyAdd(c1, one, c0);
        total = TOps.MultiplyAdd(c2, one, total); total = TOps.MultiplyAdd(c3, one, total);
        total = TOps.MultiplyAdd(c4, one, total); total = TOps.MultiplyAdd(c5, one, total);
        total = TOps.MultiplyAdd(c6, one, total); total = TOps.MultiplyAdd(c7, one, total);
        total = TOps.MultiplyAdd(c8, one, total); total = TOps.MultiplyAdd(c9, one, total);
        total = TOps.MultiplyAdd(c10, one, total); total = TOps.MultiplyAdd(c11, one, total);
        float* lanes = stackalloc float[TOps.Lanes];
        TOps.Store(total, lanes);
        float sum = 0f;
        for (int l = 0; l < TOps.Lanes; l++) sum += lanes[l];
        return sum;
    }

    /// <summary>What <see cref="Run(long)"/> returns: c_n = 2 + (c_0 - 2) / 2^n per lane, summed.</summary>
    public static double Expected(long iterations)
    {
        double sum = 0;
        for (int i = 0; i < Chains; i++)
            sum += 2 + (1 + i / 16.0 - 2) * Math.Pow(0.5, iterations);
        return sum * (SimdPath.Width / 32);
    }
}
