using KernelGan.Kernels;
using KernelGan.Kernels.Formulas;
using KernelGan.Kernels.Ilgpu;
using Xunit;

namespace KernelGan.Tests.Ilgpu;

/// <summary>
/// The kernels' own exp/log/sin/cos (run as plain C# here; the same code runs on the GPU) against
/// double-precision math: their accuracy is what lets one tolerance serve every device.
/// </summary>
public class DeviceMathTests
{
    private static IEnumerable<float> Sweep(float lo, float hi, int count) =>
        Enumerable.Range(0, count).Select(i => lo + (hi - lo) * i / (count - 1));

    /// <summary>Error in units of the float spacing at the true value.</summary>
    private static double Ulps(float actual, double exact)
    {
        float magnitude = (float)Math.Abs(exact);
        double spacing = (double)MathF.BitIncrement(magnitude) - magnitude;
        return Math.Abs(actual - exact) / spacing;
    }

    [Fact]
    public void ExpIsWithinTwoUlps()
    {
        foreach (float x in Sweep(-87f, 88f, 200_001))
            Assert.True(Ulps(DeviceMath.Exp(x), Math.Exp(x)) <= 2, $"exp({x}) = {DeviceMath.Exp(x)}, exact {Math.Exp(x)}");
    }

    [Fact]
    public void ExpHandlesOverflowUnderflowAndNaN()
    {
        Assert.Equal(float.PositiveInfinity, DeviceMath.Exp(89f));
        Assert.Equal(float.PositiveInfinity, DeviceMath.Exp(float.PositiveInfinity));
        Assert.Equal(0f, DeviceMath.Exp(-104f));
        Assert.Equal(0f, DeviceMath.Exp(float.NegativeInfinity));
        Assert.True(float.IsNaN(DeviceMath.Exp(float.NaN)));
        Assert.Equal(1f, DeviceMath.Exp(0f));
        // Subnormal results keep their magnitude (to a few subnormal steps).
        Assert.InRange(DeviceMath.Exp(-100f), 3.6e-44f, 3.9e-44f);
    }

    [Fact]
    public void LogIsWithinTwoUlpsIncludingNearOne()
    {
        var values = Sweep(1e-3f, 1000f, 200_001).Concat(Sweep(0.999f, 1.001f, 20_001)).Where(v => v != 1f);
        foreach (float x in values)
            Assert.True(Ulps(DeviceMath.Log(x), Math.Log(x)) <= 2, $"log({x}) = {DeviceMath.Log(x)}, exact {Math.Log(x)}");
        Assert.Equal(0f, DeviceMath.Log(1f));
    }

    [Fact]
    public void LogHandlesEdgeCases()
    {
        Assert.Equal(float.NegativeInfinity, DeviceMath.Log(0f));
        Assert.True(float.IsNaN(DeviceMath.Log(-1f)));
        Assert.Equal(float.PositiveInfinity, DeviceMath.Log(float.PositiveInfinity));
        Assert.True(Ulps(DeviceMath.Log(1e-40f), Math.Log(1e-40)) <= 2, "subnormal input");
        // The smallest Box-Muller input, and the one closest to 1.
        Assert.True(Ulps(DeviceMath.Log(Philox.Unit), Math.Log(Philox.Unit)) <= 2);
        Assert.True(Ulps(DeviceMath.Log(1f - Philox.Unit), Math.Log(1 - (double)Philox.Unit)) <= 2);
    }

    [Fact]
    public void SinCosAreAccurateOverTheBoxMullerRange()
    {
        foreach (float x in Sweep(-7f, 7f, 100_001))
        {
            DeviceMath.SinCos(x, out float sin, out float cos);
            // Absolute error: near the zeros a relative bound is meaningless.
            Assert.True(Math.Abs(sin - Math.Sin(x)) <= 2.5e-7, $"sin({x}) = {sin}, exact {Math.Sin(x)}");
            Assert.True(Math.Abs(cos - Math.Cos(x)) <= 2.5e-7, $"cos({x}) = {cos}, exact {Math.Cos(x)}");
        }
    }

    [Fact]
    public void TheSharedFormulasOnDeviceFloatsMatchTheirDefinitions()
    {
        // What the kernels compute: the one formula of each op, on device math.
        static float On(UnaryOp op, float x) => UnaryFormulas.Forward(op, new DeviceFloat(x), DeviceFloat.Zero, DeviceFloat.Zero).Value;
        foreach (float x in Sweep(-20f, 20f, 40_001))
        {
            Assert.True(Math.Abs(On(UnaryOp.Tanh, x) - Math.Tanh(x)) <= 2e-6 * Math.Max(1e-2, Math.Abs(Math.Tanh(x))), $"tanh({x})");
            double sigmoid = 1 / (1 + Math.Exp(-x));
            Assert.True(Math.Abs(On(UnaryOp.Sigmoid, x) - sigmoid) <= 1e-6 * sigmoid, $"sigmoid({x})");
            double softplus = Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x)));
            Assert.True(Math.Abs(On(UnaryOp.Softplus, x) - softplus) <= 1e-6 * Math.Max(1, softplus), $"softplus({x})");
        }
    }

    [Theory]
    [InlineData(2.5f, 0.2f, 3f)]
    [InlineData(-1.5f, 0.2f, 3f)]
    [InlineData(3f, -3f, -0.2f)]
    [InlineData(2f, -3f, -0.2f)]
    public void PowMatchesMathPow(float a, float lo, float hi)
    {
        foreach (float x in Sweep(lo, hi, 10_001))
        {
            double exact = Math.Pow(x, a);
            Assert.True(Math.Abs(DeviceMath.Pow(x, a) - exact) <= 2e-6 * Math.Abs(exact), $"pow({x}, {a}) = {DeviceMath.Pow(x, a)}, exact {exact}");
        }
        Assert.Equal(1f, DeviceMath.Pow(lo, 0f));
        Assert.Equal(0f, DeviceMath.Pow(0f, 2f));
        Assert.True(float.IsNaN(DeviceMath.Pow(-2f, 0.5f)));
    }
}
