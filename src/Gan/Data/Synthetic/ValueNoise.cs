namespace KernelGan.Gan.Data;

/// <summary>
/// 2-D value noise and its fractal sum. Lattice values come from a 64x64 table filled from the seed
/// (the lattice repeats every 64 units, far beyond the frequencies a scene uses), blended with a
/// smoothstep so the noise is continuous. A table lookup instead of hashing each lattice corner
/// makes per-pixel noise about four times cheaper, which matters for the batch-time budget.
/// </summary>
internal sealed class ValueNoise
{
    private const int Period = 64;
    private const int Mask = Period - 1;

    private readonly ulong _seed;
    private readonly float[] _lattice = new float[Period * Period];

    public ValueNoise(ulong seed)
    {
        _seed = seed;
        var rng = new SplitMix64(seed);
        for (int i = 0; i < _lattice.Length; i++) _lattice[i] = rng.NextFloat();
    }

    /// <summary>Smooth noise in [0, 1] with features about one unit apart.</summary>
    public float Sample(float x, float y)
    {
        float fx = MathF.Floor(x), fy = MathF.Floor(y);
        int ix = (int)fx & Mask, iy = (int)fy & Mask;
        int ix1 = (ix + 1) & Mask, iy1 = (iy + 1) & Mask;
        float tx = x - fx, ty = y - fy;
        tx = tx * tx * (3f - 2f * tx);
        ty = ty * ty * (3f - 2f * ty);
        var t = _lattice;
        float a = t[iy * Period + ix], b = t[iy * Period + ix1], c = t[iy1 * Period + ix], d = t[iy1 * Period + ix1];
        float top = a + (b - a) * tx, bottom = c + (d - c) * tx;
        return top + (bottom - top) * ty;
    }

    /// <summary>Fractal sum of <paramref name="octaves"/> octaves (frequency x2, amplitude x gain), normalised to [0, 1].</summary>
    public float Fractal(float x, float y, int octaves, float gain = 0.5f)
    {
        float sum = 0f, amplitude = 1f, total = 0f;
        for (int o = 0; o < octaves; o++)
        {
            // Offsetting each octave avoids all octaves sharing a lattice point at the origin.
            sum += amplitude * Sample(x + o * 17.31f, y - o * 9.73f);
            total += amplitude;
            amplitude *= gain;
            x *= 2f;
            y *= 2f;
        }
        return sum / total;
    }

    /// <summary>A per-integer-coordinate value in [0, 1) (spot placement, tile tones).</summary>
    public float Hash(int x, int y, int channel) => (Bits(x, y, channel) >> 40) * (1f / (1 << 24));

    /// <summary>64 well-mixed bits for an integer coordinate (one mixer round: this runs per pixel).</summary>
    public ulong Bits(int x, int y, int channel) =>
        SplitMix64.Mix(_seed ^ ((ulong)(uint)x * 0x9E3779B97F4A7C15UL) ^ ((ulong)(uint)y * 0xC2B2AE3D27D4EB4FUL) ^ ((ulong)(uint)channel * 0x165667B19E3779F9UL));
}
