using KernelGan.Kernels;
using Xunit;

namespace KernelGan.Tests.Ilgpu;

/// <summary>
/// The rounding helpers against the formats' definitions on hand-picked values: TF32 as PTX's
/// cvt.rna.tf32.f32 (10 mantissa bits, nearest, ties away from zero), BF16 as cvt.rn.bf16.f32
/// (7 mantissa bits, nearest, ties to even). The ties are the cases where the two rules differ.
/// </summary>
public class ReducedFloatTests
{
    private static float P(int e) => MathF.ScaleB(1f, e);

    public static readonly TheoryData<float, float> Tf32Cases = new()
    {
        { 1f, 1f },
        // Tie between 1 (even) and 1 + 2^-10 (odd): away from zero takes the larger, not the even one.
        { 1f + P(-11), 1f + P(-10) },
        { -(1f + P(-11)), -(1f + P(-10)) },
        // Just below the tie: down.
        { 1f + P(-11) - P(-23), 1f },
        // Tie between 1 + 2^-10 (odd) and 1 + 2^-9 (even): away, which here is also the even one.
        { 1f + 3 * P(-11), 1f + P(-9) },
        // 1/3 = 1.0101...b x 2^-2: the 11th bit onward is 0101..., below the half: truncated to 10 bits.
        { 1f / 3f, BitConverter.UInt32BitsToSingle(0x3EAAA000u) },
        // Above the largest TF32 by more than half its ulp: infinity.
        { float.MaxValue, float.PositiveInfinity },
        { float.NegativeInfinity, float.NegativeInfinity },
        // TF32 keeps fp32's exponent range, subnormals included: 2^-149 is below half of TF32's least subnormal 2^-136.
        { P(-149), 0f },
        { P(-136), P(-136) },
    };

    public static readonly TheoryData<float, float> Bf16Cases = new()
    {
        { 1f, 1f },
        // Tie between 1 (even) and 1 + 2^-7 (odd): to even keeps 1.
        { 1f + P(-8), 1f },
        { -(1f + P(-8)), -1f },
        // Tie between 1 + 2^-7 (odd) and 1 + 2^-6 (even): up to the even one.
        { 1f + 3 * P(-8), 1f + P(-6) },
        // Just above the tie: up.
        { 1f + P(-8) + P(-23), 1f + P(-7) },
        // pi = 0x40490FDB: the dropped 0x0FDB is below half of 0x10000: 0x40490000 = 3.140625.
        { MathF.PI, 3.140625f },
        { float.MaxValue, float.PositiveInfinity },
        { float.PositiveInfinity, float.PositiveInfinity },
    };

    [Theory]
    [MemberData(nameof(Tf32Cases))]
    public void Tf32RoundsToNearestTiesAway(float value, float expected) =>
        Assert.Equal(BitConverter.SingleToUInt32Bits(expected), BitConverter.SingleToUInt32Bits(ReducedFloat.RoundToTf32(value)));

    [Theory]
    [MemberData(nameof(Bf16Cases))]
    public void Bf16RoundsToNearestTiesToEven(float value, float expected) =>
        Assert.Equal(BitConverter.SingleToUInt32Bits(expected), BitConverter.SingleToUInt32Bits(ReducedFloat.RoundToBf16(value)));

    [Fact]
    public void NaNsStayNaNs()
    {
        // A signalling NaN whose payload sits in the dropped bits must not become infinity.
        float lowPayload = BitConverter.UInt32BitsToSingle(0x7F800001u);
        Assert.True(float.IsNaN(ReducedFloat.RoundToBf16(lowPayload)));
        Assert.True(float.IsNaN(ReducedFloat.RoundToBf16(float.NaN)));
        Assert.True(float.IsNaN(ReducedFloat.RoundToTf32(float.NaN)));
    }

    [Fact]
    public void UnitRoundoffsAreHalfTheFormatsEpsilon()
    {
        // u = 2^-(p) for p stored mantissa bits + 1: the bound the GEMM tests' tolerances scale.
        Assert.Equal(Math.ScaleB(1, -11), GemmPrecision.Tf32.UnitRoundoff());
        Assert.Equal(Math.ScaleB(1, -8), GemmPrecision.Bf16.UnitRoundoff());
        // And it is a bound: rounding 1 + 2^-10 + 2^-11 - 2^-23 (just below a tie) errs by just under u relative.
        float x = 1f + P(-10) + P(-11) - P(-23);
        Assert.True(Math.Abs(ReducedFloat.RoundToTf32(x) - x) / x <= GemmPrecision.Tf32.UnitRoundoff());
    }
}
