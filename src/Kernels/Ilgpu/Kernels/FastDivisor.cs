namespace KernelGan.Kernels.Ilgpu;

/// <summary>
/// Division of a non-negative int by a divisor fixed at launch, as one 64-bit multiply and a shift.
/// A GPU has no integer divider: `n / d` compiles to a ~20-instruction sequence, and the index
/// arithmetic of im2col/col2im does five of them per element, which made those memory-bound kernels
/// instruction-bound. With s = ceil(log2 d) and m = floor(2^(32+s) / d) + 1, floor(n * m / 2^(32+s))
/// equals floor(n / d) for every 0 &lt;= n &lt; 2^31: the error term n*(m*d - 2^(32+s)) / (d * 2^(32+s))
/// is below 1/(2d), too small to carry the fraction of n/d (at most (d-1)/d) past the next integer.
/// </summary>
public readonly struct FastDivisor
{
    public readonly int Divisor;
    private readonly ulong _multiplier;
    private readonly int _shift;

    public FastDivisor(int divisor)
    {
        if (divisor <= 0) throw new ArgumentOutOfRangeException(nameof(divisor), divisor, "divisor must be positive");
        int s = 0;
        while ((1L << s) < divisor) s++;
        Divisor = divisor;
        _shift = 32 + s;
        _multiplier = (ulong)(((System.Numerics.BigInteger.One << _shift) / divisor) + 1);
    }

    /// <summary>floor(n / Divisor) for 0 &lt;= n &lt; 2^31.</summary>
    public int Divide(int n) => (int)(((ulong)(uint)n * _multiplier) >> _shift);
}
