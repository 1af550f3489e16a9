namespace KernelGan.Gan.Data;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood 2014): a tiny counter-based generator. We key it by
/// (seed, stream, index) so that synthetic image i is a pure function of those numbers — nothing is
/// stored, items can be rendered in any order on any thread, and the integer sequence is identical
/// on every machine (unlike System.Random, whose algorithm is an implementation detail).
/// </summary>
public struct SplitMix64
{
    private const ulong Gamma = 0x9E3779B97F4A7C15UL;

    public ulong State;

    public SplitMix64(ulong state) => State = state;

    /// <summary>An independent stream for a key: different keys give unrelated sequences.</summary>
    public static SplitMix64 ForKey(long seed, ulong stream, ulong index, ulong sub = 0) =>
        new(Hash(unchecked((ulong)seed), stream, index, sub));

    /// <summary>The SplitMix64 output function: a strong 64-bit mixer (bijective).</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Hash of up to four words (chained mixing, so argument order matters).</summary>
    public static ulong Hash(ulong a, ulong b, ulong c = 0, ulong d = 0)
    {
        unchecked
        {
            ulong h = Mix(a + Gamma);
            h = Mix(h ^ (b + 2 * Gamma));
            h = Mix(h ^ (c + 3 * Gamma));
            return Mix(h ^ (d + 4 * Gamma));
        }
    }

    public ulong NextULong()
    {
        State += Gamma;
        return Mix(State);
    }

    /// <summary>Uniform in [0, 1) with 53 bits.</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, 1) with 24 bits.</summary>
    public float NextFloat() => (NextULong() >> 40) * (1f / (1 << 24));

    /// <summary>Uniform in [lo, hi).</summary>
    public float Range(float lo, float hi) => lo + (hi - lo) * NextFloat();

    /// <summary>Uniform integer in [0, n) (multiply-shift, unbiased enough for n far below 2^32).</summary>
    public int Below(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), "n must be positive");
        return (int)(((NextULong() >> 32) * (ulong)n) >> 32);
    }

    /// <summary>Uniform integer in [lo, hi] inclusive.</summary>
    public int Between(int lo, int hi) => lo + Below(hi - lo + 1);

    public bool Chance(float probability) => NextFloat() < probability;

    /// <summary>Standard normal via Box-Muller.</summary>
    public float Gaussian()
    {
        double u1 = 1.0 - NextDouble(), u2 = NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }

    /// <summary>Uniform angle in [0, 2 pi).</summary>
    public float Angle() => NextFloat() * 2f * MathF.PI;
}
