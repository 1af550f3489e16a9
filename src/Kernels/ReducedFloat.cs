namespace KernelGan.Kernels;

/// <summary>
/// Rounding fp32 values to the tensor cores' input formats, as bit operations on the fp32
/// pattern, so host code, the ILGPU kernels' portable path and tests share one definition.
/// A rounded value is still an fp32 whose dropped mantissa bits are zero.
/// </summary>
public static class ReducedFloat
{
    /// <summary>
    /// TF32 as PTX's cvt.rna.tf32.f32 rounds: to nearest, ties away from zero, keeping 10 of the 23
    /// mantissa bits. Adding half a TF32 ulp to the magnitude bits and truncating rounds the
    /// magnitude half-up, which is ties-away in sign-magnitude; a carry out of the mantissa bumps
    /// the exponent, so the largest finite values round to infinity as they should. Infinities and
    /// NaNs are returned unchanged (the add could carry a NaN's payload into the sign bit).
    /// </summary>
    public static uint Tf32Bits(uint bits)
    {
        if ((bits & 0x7F800000u) == 0x7F800000u) return bits;
        return (bits + 0x1000u) & 0xFFFFE000u;
    }

    /// <summary>
    /// BF16 (the top 16 bits of the fp32 pattern) rounded to nearest, ties to even, as
    /// cvt.rn.bf16.f32: add 0x7FFF plus the lowest kept bit, then truncate. Non-finite values
    /// are truncated (a NaN keeps a quiet bit so it stays a NaN).
    /// </summary>
    public static uint Bf16Bits(uint bits)
    {
        if ((bits & 0x7F800000u) == 0x7F800000u)
            return (bits & 0x007FFFFFu) != 0 ? (bits | 0x00400000u) & 0xFFFF0000u : bits & 0xFFFF0000u;
        return (bits + 0x7FFFu + ((bits >> 16) & 1u)) & 0xFFFF0000u;
    }

    public static float RoundToTf32(float value) => BitConverter.UInt32BitsToSingle(Tf32Bits(BitConverter.SingleToUInt32Bits(value)));

    public static float RoundToBf16(float value) => BitConverter.UInt32BitsToSingle(Bf16Bits(BitConverter.SingleToUInt32Bits(value)));

    /// <summary>The value as <paramref name="precision"/>'s multiplicands hold it (fp32: unchanged).</summary>
    public static float Round(float value, GemmPrecision precision) => precision switch
    {
        GemmPrecision.Tf32 => RoundToTf32(value),
        GemmPrecision.Bf16 => RoundToBf16(value),
        _ => value,
    };
}
