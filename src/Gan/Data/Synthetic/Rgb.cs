namespace KernelGan.Gan.Data;

/// <summary>A linear-ish RGB colour in [0, 1] with the few operations the renderer needs.</summary>
internal readonly record struct Rgb(float R, float G, float B)
{
    public static Rgb Lerp(Rgb a, Rgb b, float t) =>
        new(a.R + (b.R - a.R) * t, a.G + (b.G - a.G) * t, a.B + (b.B - a.B) * t);

    public static Rgb operator *(Rgb c, float k) => new(c.R * k, c.G * k, c.B * k);

    public static Rgb operator +(Rgb a, Rgb b) => new(a.R + b.R, a.G + b.G, a.B + b.B);

    public Rgb Times(Rgb gains) => new(R * gains.R, G * gains.G, B * gains.B);

    public float Luma => 0.299f * R + 0.587f * G + 0.114f * B;

    /// <summary>Mean absolute channel difference, a crude but adequate colour distance.</summary>
    public static float Distance(Rgb a, Rgb b) =>
        (MathF.Abs(a.R - b.R) + MathF.Abs(a.G - b.G) + MathF.Abs(a.B - b.B)) / 3f;

    /// <summary>HSV (all in [0, 1]) to RGB.</summary>
    public static Rgb FromHsv(float h, float s, float v)
    {
        h = (h - MathF.Floor(h)) * 6f;
        int sector = (int)h % 6;
        float f = h - MathF.Floor(h);
        float p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
        return sector switch
        {
            0 => new(v, t, p),
            1 => new(q, v, p),
            2 => new(p, v, t),
            3 => new(p, q, v),
            4 => new(t, p, v),
            _ => new(v, p, q),
        };
    }

    /// <summary>
    /// A random colour spread over the whole gamut: any hue, saturation often low (grey, brown and
    /// pastel tones are common in photos), any brightness. Used alike for objects and backgrounds,
    /// so neither brightness nor saturation tells them apart.
    /// </summary>
    public static Rgb Random(ref SplitMix64 rng)
    {
        float h = rng.NextFloat();
        float s = rng.Chance(0.3f) ? rng.Range(0f, 0.25f) : rng.Range(0.25f, 0.95f);
        float v = rng.Range(0.15f, 0.95f);
        return FromHsv(h, s, v);
    }
}
