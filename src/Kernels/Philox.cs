namespace KernelGan.Kernels;

/// <summary>
/// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11): a
/// counter-based generator, so value i of a stream is a pure function of (seed, counter) and every
/// backend, thread layout and device produces the same numbers. Only 32-bit integer multiplies,
/// so the same code runs inside ILGPU kernels.
/// Value i of a fill with (seed, offset) is lane i % 4 of block (offset + i / 4).
/// </summary>
public static class Philox
{
    private const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57;
    private const uint W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    /// <summary>2^-24: maps the top 24 bits of a word onto [0, 1) exactly in float32.</summary>
    public const float Unit = 1f / 16777216f;

    /// <summary>The four 32-bit words of block <paramref name="counter"/> under key <paramref name="seed"/>.</summary>
    public static void Block(ulong seed, ulong counter, out uint r0, out uint r1, out uint r2, out uint r3)
    {
        r0 = (uint)counter; r1 = (uint)(counter >> 32); r2 = 0; r3 = 0;
        Rounds(ref r0, ref r1, ref r2, ref r3, (uint)seed, (uint)(seed >> 32));
    }

    /// <summary>The ten Philox rounds on a full 128-bit counter (c0..c3) with key (k0, k1), in place.</summary>
    public static void Rounds(ref uint c0, ref uint c1, ref uint c2, ref uint c3, uint k0, uint k1)
    {
        for (int round = 0; round < 10; round++)
        {
            ulong p0 = (ulong)M0 * c0;
            ulong p1 = (ulong)M1 * c2;
            uint n0 = (uint)(p1 >> 32) ^ c1 ^ k0;
            uint n1 = (uint)p1;
            uint n2 = (uint)(p0 >> 32) ^ c3 ^ k1;
            uint n3 = (uint)p0;
            c0 = n0; c1 = n1; c2 = n2; c3 = n3;
            k0 += W0; k1 += W1;
        }
    }

    /// <summary>Word i of the stream (seed, offset).</summary>
    public static uint Word(ulong seed, ulong offset, long i)
    {
        Block(seed, offset + (ulong)(i >> 2), out uint r0, out uint r1, out uint r2, out uint r3);
        return (i & 3) switch { 0 => r0, 1 => r1, 2 => r2, _ => r3 };
    }

    /// <summary>Uniform in [0, 1) from the top 24 bits of a word.</summary>
    public static float ToUnit(uint word) => (word >> 8) * Unit;

    /// <summary>Uniform in (0, 1], safe for log.</summary>
    public static float ToOpenUnit(uint word) => ((word >> 8) + 1) * Unit;

    /// <summary>
    /// Normal value i of the stream: Box-Muller on the lane pair (0,1) or (2,3) of its block, the
    /// even lane taking the cosine and the odd lane the sine.
    /// </summary>
    public static float Normal(ulong seed, ulong offset, long i)
    {
        Block(seed, offset + (ulong)(i >> 2), out uint r0, out uint r1, out uint r2, out uint r3);
        int lane = (int)(i & 3);
        uint a = lane < 2 ? r0 : r2;
        uint b = lane < 2 ? r1 : r3;
        float radius = MathF.Sqrt(-2f * MathF.Log(ToOpenUnit(a)));
        float angle = 2f * MathF.PI * ToUnit(b);
        return (lane & 1) == 0 ? radius * MathF.Cos(angle) : radius * MathF.Sin(angle);
    }
}
