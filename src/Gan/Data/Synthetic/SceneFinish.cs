namespace KernelGan.Gan.Data;

/// <summary>
/// Camera-like effects applied to the finished scene, object and background alike (so they are
/// no cue for segmentation): vignetting, a slight colour cast, and per-pixel sensor grain.
/// </summary>
internal sealed class SceneFinish
{
    private readonly float _vignette, _grain;
    private readonly Rgb _cast;
    private readonly ValueNoise _noise;

    public SceneFinish(ref SplitMix64 rng)
    {
        _vignette = rng.Chance(0.5f) ? rng.Range(0.1f, 0.4f) : 0f;
        _grain = rng.Range(0.004f, 0.03f);
        _cast = new Rgb(rng.Range(0.93f, 1.07f), rng.Range(0.93f, 1.07f), rng.Range(0.93f, 1.07f));
        _noise = new ValueNoise(rng.NextULong());
    }

    public Rgb Apply(Rgb colour, int px, int py, float x, float y)
    {
        float dx = x - 0.5f, dy = y - 0.5f;
        float light = 1f - _vignette * 2f * (dx * dx + dy * dy);
        colour = colour.Times(_cast) * light;
        // One 64-bit hash per pixel gives nine 7-bit uniforms; the sum of three per channel is a
        // cheap, bounded, bell-shaped grain (scaled to unit variance).
        ulong bits = _noise.Bits(px, py, 0);
        float gr = Grain(bits), gg = Grain(bits >> 21), gb = Grain(bits >> 42);
        return new Rgb(colour.R + _grain * gr, colour.G + _grain * gg, colour.B + _grain * gb);
    }

    private static float Grain(ulong bits)
    {
        const float scale = 1f / 128f;
        float sum = ((bits & 127) + ((bits >> 7) & 127) + ((bits >> 14) & 127) + 1.5f) * scale;
        return (sum - 1.5f) * 2f;
    }
}
