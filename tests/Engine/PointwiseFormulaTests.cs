using KernelGan.Kernels;
using KernelGan.Kernels.Formulas;
using Xunit;

namespace KernelGan.Tests.Engine;

/// <summary>
/// The shared pointwise formulas (<see cref="UnaryFormulas"/>, <see cref="BinaryFormulas"/>), which
/// every backend runs, against definitions written here in double precision; and the one switch that
/// maps each op to its formula.
/// </summary>
public class PointwiseFormulaTests
{
    private sealed record Definition(float A, float B, float Lo, float Hi, Func<double, double> F, Func<double, double> Df);

    private static Definition Of(UnaryOp op) => op switch
    {
        UnaryOp.Affine => new(1.5f, -0.25f, -4, 4, x => 1.5 * x - 0.25, _ => 1.5),
        UnaryOp.Exp => new(0, 0, -10, 10, Math.Exp, Math.Exp),
        UnaryOp.Log => new(0, 0, 0.01f, 50, Math.Log, x => 1 / x),
        UnaryOp.Sqrt => new(0, 0, 0.01f, 50, Math.Sqrt, x => 0.5 / Math.Sqrt(x)),
        UnaryOp.Abs => new(0, 0, -3, 3, Math.Abs, x => Math.Sign(x)),
        UnaryOp.Square => new(0, 0, -3, 3, x => x * x, x => 2 * x),
        UnaryOp.Reciprocal => new(0, 0, 0.1f, 5, x => 1 / x, x => -1 / (x * x)),
        UnaryOp.Relu => new(0, 0, -3, 3, x => Math.Max(x, 0), x => x > 0 ? 1 : 0),
        UnaryOp.LeakyRelu => new(0.2f, 0, -3, 3, x => x > 0 ? x : 0.2 * x, x => x > 0 ? 1 : 0.2),
        UnaryOp.Sigmoid => new(0, 0, -30, 30, Sigmoid, x => Sigmoid(x) * (1 - Sigmoid(x))),
        UnaryOp.Tanh => new(0, 0, -12, 12, Math.Tanh, x => 1 - Math.Tanh(x) * Math.Tanh(x)),
        UnaryOp.Softplus => new(0, 0, -30, 30, x => Math.Log(1 + Math.Exp(x)), Sigmoid),
        UnaryOp.Clamp => new(-0.5f, 0.7f, -2, 2, x => Math.Min(Math.Max(x, -0.5), 0.7), x => x >= -0.5f && x <= 0.7f ? 1 : 0),
        UnaryOp.Pow => new(2.5f, 0, 0.1f, 4, x => Math.Pow(x, 2.5), x => 2.5 * Math.Pow(x, 1.5)),
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static IEnumerable<float> Sweep(float lo, float hi) =>
        Enumerable.Range(0, 2001).Select(i => lo + (hi - lo) * i / 2000f).Append(0f).Where(x => x >= lo && x <= hi);

    public static TheoryData<UnaryOp> UnaryOps() => [.. Enum.GetValues<UnaryOp>()];

    [Theory]
    [MemberData(nameof(UnaryOps))]
    public void EachUnaryFormulaAndItsDerivativeMatchTheDefinition(UnaryOp op)
    {
        var d = Of(op);
        const float gy = -1.75f;
        foreach (float x in Sweep(d.Lo, d.Hi))
        {
            float y = Pointwise.Apply(op, x, d.A, d.B);
            double want = d.F(x);
            // Relative, with a floor for results near 0 (softplus(-20) = 2e-9 rounds to 0: 1 + e^-20 is 1 in float).
            Assert.True(Math.Abs(y - want) <= 2e-6 * Math.Abs(want) + 1e-7, $"{op}({x}) = {y}, expected {want}");
            float g = Pointwise.Derivative(op, x, y, gy, d.A, d.B);
            double wantGrad = gy * d.Df(x);
            // The derivative comes from the float output y where that is how it is defined (sigmoid,
            // tanh: 1 - y and 1 - y^2 lose relative digits as y nears 1, within a few float
            // spacings at 1), so an absolute floor of that size.
            Assert.True(Math.Abs(g - wantGrad) <= 1e-5 * Math.Abs(wantGrad) + 5e-7 * Math.Abs(gy), $"{op}'({x}) * {gy} = {g}, expected {wantGrad}");
        }
    }

    [Fact]
    public void EachBinaryFormulaAndItsGradientsMatchTheDefinition()
    {
        var values = new[] { -2.5f, -1f, -0.25f, 0.5f, 1f, 3f };
        const float gy = 0.75f;
        foreach (float a in values)
            foreach (float b in values)
            {
                (double Y, double Ga, double Gb)[] expected =
                [
                    (a + b, gy, gy),
                    (a - b, gy, -gy),
                    ((double)a * b, gy * b, gy * a),
                    ((double)a / b, gy / (double)b, -gy * (double)a / ((double)b * b)),
                    (Math.Min(a, b), a <= b ? gy : 0, a <= b ? 0 : gy), // ties to a
                    (Math.Max(a, b), a >= b ? gy : 0, a >= b ? 0 : gy),
                ];
                foreach (var op in Enum.GetValues<BinaryOp>())
                {
                    var (y, ga, gb) = expected[(int)op];
                    Assert.True(Math.Abs(Pointwise.Apply(op, a, b) - y) <= 1e-6 * (1 + Math.Abs(y)), $"{op}({a}, {b})");
                    Assert.True(Math.Abs(Pointwise.DerivativeA(op, a, b, gy) - ga) <= 1e-6 * (1 + Math.Abs(ga)), $"d{op}/da at ({a}, {b})");
                    Assert.True(Math.Abs(Pointwise.DerivativeB(op, a, b, gy) - gb) <= 1e-6 * (1 + Math.Abs(gb)), $"d{op}/db at ({a}, {b})");
                }
            }
    }

    private struct UnaryName : UnaryFormulas.IUser
    {
        public string? Name;
        public void Use<TFormula>() where TFormula : struct, IUnaryFormula => Name = typeof(TFormula).Name;
    }

    private struct BinaryName : BinaryFormulas.IUser
    {
        public string? Name;
        public void Use<TFormula>() where TFormula : struct, IBinaryFormula => Name = typeof(TFormula).Name;
    }

    [Fact]
    public void TheSwitchMapsEveryOpToTheFormulaOfItsNameAndRefusesOthers()
    {
        foreach (var op in Enum.GetValues<UnaryOp>())
        {
            var user = new UnaryName();
            Assert.True(UnaryFormulas.Dispatch(op, ref user), op.ToString());
            Assert.Equal(op.ToString(), user.Name);
        }
        foreach (var op in Enum.GetValues<BinaryOp>())
        {
            var user = new BinaryName();
            Assert.True(BinaryFormulas.Dispatch(op, ref user), op.ToString());
            Assert.Equal(op.ToString(), user.Name);
        }
        var unknown = new UnaryName();
        Assert.False(UnaryFormulas.Dispatch((UnaryOp)99, ref unknown));
        Assert.Throws<ArgumentOutOfRangeException>(() => Pointwise.Apply((UnaryOp)99, 1f, 0f, 0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => KernelGan.Device.Cpu.Unary((UnaryOp)99, Tensor.Ones(4).Buffer, Tensor.Ones(4).Buffer, 4));
    }
}
