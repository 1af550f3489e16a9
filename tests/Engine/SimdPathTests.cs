using System.Runtime.Intrinsics;
using KernelGan.Kernels.Cpu.Simd;
using Xunit;

namespace KernelGan.Tests.Engine;

/// <summary>
/// The vector path the CPU kernels take, and the register types every path is written over.
/// CI runs the kernel suites once per path (`.ci/run`) and names the path it expects in
/// KERNELGAN_EXPECT_SIMD_WIDTH (and, for the arm64 build under qemu-user, "NEON" in
/// KERNELGAN_EXPECT_SIMD_PATH), so a runtime switch that stops working (as DOTNET_EnableAVX512F did
/// on .NET 10) fails here instead of silently testing the same path twice.
/// </summary>
public unsafe class SimdPathTests
{
    [Fact]
    public void PathInUseIsTheOneCiAskedFor()
    {
        string? expected = Environment.GetEnvironmentVariable("KERNELGAN_EXPECT_SIMD_WIDTH");
        int width = SimdPath.Width;
        if (!string.IsNullOrEmpty(expected))
            Assert.Equal(int.Parse(expected), width);
        Assert.Equal(Vector512.IsHardwareAccelerated, width == 512);
        Assert.Contains(width switch { 512 => "AVX-512", 256 => "AVX2", _ => "128-bit" }, SimdPath.Name);
        string? expectedPath = Environment.GetEnvironmentVariable("KERNELGAN_EXPECT_SIMD_PATH");
        if (!string.IsNullOrEmpty(expectedPath))
            Assert.Contains(expectedPath, SimdPath.Name);
    }

    /// <summary>`bench peak`'s chains on this path compute what they claim (so the rate counts real work).</summary>
    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(3L)]
    [InlineData(40L)]
    public void MultiplyAddPeakChainsComputeTheirClosedForm(long iterations)
    {
        double expected = KernelGan.Kernels.Cpu.MultiplyAddPeak.Expected(iterations);
        float actual = KernelGan.Kernels.Cpu.MultiplyAddPeak.Run(iterations);
        Assert.True(Math.Abs(actual - expected) <= 1e-6 * expected, $"{iterations} steps: expected {expected}, got {actual}");
    }

    [Fact]
    public void EveryRegisterWidthAgreesWithScalarMath()
    {
        // Each width runs here whatever the machine: unaccelerated widths run in software, so all
        // three implementations are checked on every CI path.
        CheckOps<V128>();
        CheckOps<V256>();
        CheckOps<V512>();
    }

    private static void CheckOps<TV>() where TV : unmanaged, IVec<TV>
    {
        int n = TV.Lanes;
        var a = new float[n];
        var b = new float[n];
        var c = new float[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = -2.5f + 0.37f * i;
            b[i] = 1.25f - 0.21f * i;
            c[i] = 0.5f + 0.1f * i;
        }
        fixed (float* pa = a, pb = b, pc = c)
        {
            var va = TV.Load(pa);
            var vb = TV.Load(pb);
            var vc = TV.Load(pc);
            Check<TV>(va + vb, i => a[i] + b[i], "add");
            Check<TV>(va - vb, i => a[i] - b[i], "sub");
            Check<TV>(va * vb, i => a[i] * b[i], "mul");
            Check<TV>(va / vb, i => a[i] / b[i], "div");
            Check<TV>(-va, i => -a[i], "neg");
            Check<TV>(TV.MultiplyAdd(va, vb, vc), i => a[i] * b[i] + c[i], "multiply-add", 1e-6f);
            Check<TV>(TV.Min(va, vb), i => MathF.Min(a[i], b[i]), "min");
            Check<TV>(TV.Max(va, vb), i => MathF.Max(a[i], b[i]), "max");
            Check<TV>(TV.Abs(va), i => MathF.Abs(a[i]), "abs");
            Check<TV>(TV.Sqrt(vc), i => MathF.Sqrt(c[i]), "sqrt", 1e-7f);
            Check<TV>(TV.Exp(va), i => MathF.Exp(a[i]), "exp", 1e-6f);
            Check<TV>(TV.Log(vc), i => MathF.Log(c[i]), "log", 1e-6f);
            Check<TV>(TV.CopySign(vc, va), i => MathF.CopySign(c[i], a[i]), "copysign");
            Check<TV>(TV.Select(TV.GreaterThan(va, vb), va, vc), i => a[i] > b[i] ? a[i] : c[i], "select greater");
            Check<TV>(TV.Select(TV.LessThan(va, vb), va, vc), i => a[i] < b[i] ? a[i] : c[i], "select less");
            Check<TV>(TV.Select(TV.LessThanOrEqual(va, va), va, vc), i => a[i], "less or equal (ties)");
            Check<TV>(TV.Select(TV.LessThanOrEqual(va, vb), va, vc), i => a[i] <= b[i] ? a[i] : c[i], "select less or equal");
            Check<TV>(TV.Select(TV.GreaterThanOrEqual(va, vb), va, vc), i => a[i] >= b[i] ? a[i] : c[i], "select greater or equal");
            Check<TV>((TV.GreaterThan(va, vb) & va) | (TV.LessThan(va, vb) & vb), i => a[i] > b[i] ? a[i] : a[i] < b[i] ? b[i] : 0f, "masks");
            Check<TV>(TV.Broadcast(3.5f) + TV.Zero, _ => 3.5f, "broadcast");
            Assert.Equal(a.Sum(), va.Sum(), 4);
        }
    }

    private static void Check<TV>(TV actual, Func<int, float> expected, string what, float tol = 0f) where TV : unmanaged, IVec<TV>
    {
        var values = new float[TV.Lanes];
        fixed (float* p = values) actual.Store(p);
        for (int i = 0; i < TV.Lanes; i++)
        {
            float e = expected(i);
            Assert.True(Math.Abs(e - values[i]) <= tol * (1 + Math.Abs(e)),
                $"{typeof(TV).Name} {what}: lane {i} expected {e} got {values[i]}");
        }
    }
}
