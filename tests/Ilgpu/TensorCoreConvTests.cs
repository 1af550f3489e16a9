using KernelGan.Kernels;
using KernelGan.Kernels.Cpu;
using KernelGan.Kernels.Ilgpu;
using Xunit;
using Xunit.Abstractions;

namespace KernelGan.Tests.Ilgpu;

/// <summary>
/// Convolutions on a backend opened with TF32/BF16 run their GEMMs (im2col x weights) on the
/// tensor-core kernel: the three conv kernels on the emulating simulator against the fp32 simulator.
/// Each output is a sum of k products (k = Cin Kh Kw forward, Cout Kh Kw for the data gradient,
/// N Hout Wout for the weight gradient), so it may differ from fp32 by (2u + u^2 + 2 gamma_k) S, with
/// S the same convolution of the operands' absolute values, plus fp32 roundings of the col2im/bias
/// additions around the GEMM (a few ulps of S).
/// </summary>
[Collection(SimulatorCollection.Name)]
public class TensorCoreConvTests(ITestOutputHelper output)
{
    public static readonly TheoryData<GemmPrecision, int, int, int, int, int, int, int> Cases = new()
    {
        // precision, n, cin, size, cout, kernel, stride, pad: a strided 3x3 with padding, a 4x4 s2 (ref64's), a 1x1 (no unfold).
        { GemmPrecision.Tf32, 2, 3, 9, 5, 3, 2, 1 },
        { GemmPrecision.Bf16, 2, 3, 9, 5, 3, 2, 1 },
        { GemmPrecision.Tf32, 1, 6, 8, 33, 4, 2, 1 },
        { GemmPrecision.Bf16, 2, 8, 6, 4, 1, 1, 0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ConvKernelsMatchFp32WithinTheFormatsRounding(GemmPrecision precision, int n, int cin, int size, int cout, int kernel, int stride, int pad)
    {
        var g = ConvGeometry.Square(n, cin, size, cout, kernel, stride, pad);
        using var tensor = IlgpuDevices.OpenSimulator(maxGroupSize: 32, warpSize: 32, precision);
        var fp32 = IlgpuDevices.Open(IlgpuDevices.CpuSimulator);
        var random = new Random(g.GetHashCode());
        float[] Fill(int count) => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        float[] x = Fill(g.InputSize), w = Fill(g.WeightSize), bias = Fill(g.Cout), gy = Fill(g.OutputSize);
        float[] Abs(float[] v) => v.Select(MathF.Abs).ToArray();
        double u = precision.UnitRoundoff(), eps = Math.ScaleB(1, -24);
        var failures = new List<string>();

        void Check(string what, int k, int slackUlps, Func<IBackend, float[], float[], float[]> run, float[] first, float[] second)
        {
            var actual = run(tensor, first, second);
            var reference = run(fp32, first, second);
            var magnitude = run(CpuBackend.Instance, Abs(first), Abs(second));
            double gamma = k * eps / (1 - k * eps), worst = 0;
            for (int i = 0; i < actual.Length; i++)
            {
                double bound = (2 * u + u * u + 2 * gamma) * magnitude[i] + slackUlps * eps * (magnitude[i] + 1) + 1e-30;
                double error = Math.Abs(actual[i] - reference[i]);
                worst = Math.Max(worst, error / bound);
                if (!(error <= bound) && failures.Count < 5) failures.Add($"{precision.Name()} {what} {g} [{i}]: {actual[i]} vs fp32 {reference[i]}, |diff| {error:G3} > {bound:G3}");
            }
            // Rounding must have happened somewhere, or the fp32 kernel ran.
            if (actual.SequenceEqual(reference)) failures.Add($"{precision.Name()} {what} {g}: identical to fp32, so the tensor-core path did not run");
            output.WriteLine($"{precision.Name()} {what} {g}: worst error / bound {worst:F3}");
        }

        Check("forward", g.Cin * g.Kh * g.Kw, 4, (b, xs, ws) => Forward(b, g, xs, ws, b == CpuBackend.Instance ? Abs(bias) : bias), x, w);
        Check("data gradient", g.Cout * g.Kh * g.Kw, g.Kh * g.Kw + 4, (b, gys, ws) => BackwardData(b, g, gys, ws), gy, w);
        Check("weight gradient", g.N * g.Hout * g.Wout, 4, (b, xs, gys) => BackwardWeight(b, g, xs, gys), x, gy);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static float[] Forward(IBackend b, ConvGeometry g, float[] x, float[] w, float[] bias)
    {
        var (bx, bw, bb, by) = (Put(b, x), Put(b, w), Put(b, bias), b.Allocate(g.OutputSize));
        b.Conv2dForward(g, bx, bw, bb, by);
        return Take(b, by, bx, bw, bb);
    }

    private static float[] BackwardData(IBackend b, ConvGeometry g, float[] gy, float[] w)
    {
        var (bgy, bw, bgx) = (Put(b, gy), Put(b, w), b.Allocate(g.InputSize));
        b.Conv2dBackwardData(g, bgy, bw, bgx);
        return Take(b, bgx, bgy, bw);
    }

    private static float[] BackwardWeight(IBackend b, ConvGeometry g, float[] x, float[] gy)
    {
        var (bx, bgy, bgw) = (Put(b, x), Put(b, gy), b.Allocate(g.WeightSize));
        b.Conv2dBackwardWeight(g, bx, bgy, bgw, null);
        return Take(b, bgw, bx, bgy);
    }

    private static DeviceBuffer Put(IBackend b, float[] values)
    {
        var buffer = b.Allocate(values.Length);
        b.Upload(values, buffer);
        return buffer;
    }

    private static float[] Take(IBackend b, DeviceBuffer result, params DeviceBuffer[] inputs)
    {
        var values = new float[result.Length];
        b.Download(result, 0, values);
        result.Release();
        foreach (var input in inputs) input.Release();
        return values;
    }
}
