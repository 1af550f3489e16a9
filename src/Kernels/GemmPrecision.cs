namespace KernelGan.Kernels;

/// <summary>
/// The input format of a backend's matrix products (GEMMs, and the convolutions built on them).
/// Products always accumulate in fp32; only the multiplicands are rounded first.
/// </summary>
public enum GemmPrecision
{
    /// <summary>IEEE single precision throughout: the default and the reference.</summary>
    Fp32,

    /// <summary>Multiplicands rounded to TF32 (fp32's 8-bit exponent, 10-bit mantissa; round to nearest, ties away).</summary>
    Tf32,

    /// <summary>Multiplicands rounded to BF16 (8-bit exponent, 7-bit mantissa; round to nearest, ties to even).</summary>
    Bf16,
}

/// <summary>Names and parsing of <see cref="GemmPrecision"/> (the --precision option's values).</summary>
public static class GemmPrecisions
{
    public static readonly string[] Names = ["fp32", "tf32", "bf16"];

    public static string Name(this GemmPrecision precision) => Names[(int)precision];

    /// <summary>Parses fp32|tf32|bf16, or throws <see cref="ArgumentException"/> naming the choices.</summary>
    public static GemmPrecision Parse(string name) => name.ToLowerInvariant() switch
    {
        "fp32" => GemmPrecision.Fp32,
        "tf32" => GemmPrecision.Tf32,
        "bf16" => GemmPrecision.Bf16,
        _ => throw new ArgumentException($"unknown precision '{name}' (expected one of: {string.Join(", ", Names)})"),
    };

    /// <summary>
    /// Unit roundoff of the multiplicands' format: the largest relative error of rounding one
    /// input (2^-24 for fp32, 2^-11 for TF32's 10 stored mantissa bits, 2^-8 for BF16's 7).
    /// </summary>
    public static double UnitRoundoff(this GemmPrecision precision) => precision switch
    {
        GemmPrecision.Tf32 => Math.ScaleB(1, -11),
        GemmPrecision.Bf16 => Math.ScaleB(1, -8),
        _ => Math.ScaleB(1, -24),
    };
}
