namespace KernelGan.Gan.Data;

/// <summary>Base patterns for backgrounds (chosen independently of the objects in front).</summary>
internal enum BackgroundPattern
{
    Gradient,
    Noise,
    Stripes,
    ColourField,
    Tiles,
}

/// <summary>
/// A procedural backdrop over normalised scene coordinates (x, y in [0, 1]): a base pattern of
/// random colours, optionally faint clutter lines. Everything is drawn from its own random stream,
/// never looking at the object, so the background carries no information about the mask.
/// </summary>
internal sealed class SceneBackground
{
    public BackgroundPattern Pattern { get; }
    public Rgb First { get; }
    public Rgb Second { get; }

    private readonly float _dirX, _dirY, _frequency, _sharpness, _detail;
    private readonly ValueNoise _noise;
    private readonly Rgb[] _field = [];
    private readonly int _fieldCells;
    private readonly (float A, float B, float C, float HalfWidth, float Shift)[] _lines = [];

    public SceneBackground(ref SplitMix64 rng)
    {
        Pattern = (BackgroundPattern)rng.Below(5);
        First = Rgb.Random(ref rng);
        Second = rng.Chance(0.5f) ? Tone(ref rng, First) : Rgb.Random(ref rng);
        float angle = rng.Angle();
        _dirX = MathF.Cos(angle);
        _dirY = MathF.Sin(angle);
        _frequency = Pattern switch
        {
            BackgroundPattern.Noise => rng.Range(2f, 12f),
            BackgroundPattern.Stripes => rng.Range(3f, 14f),
            BackgroundPattern.Tiles => rng.Range(3f, 9f),
            _ => 1f,
        };
        _sharpness = rng.Range(1f, 5f);
        _detail = rng.Range(0f, 0.25f); // fine noise laid over every pattern, so no background is perfectly flat
        _noise = new ValueNoise(rng.NextULong());
        if (Pattern == BackgroundPattern.ColourField)
        {
            _fieldCells = rng.Between(2, 4);
            int n = (_fieldCells + 1) * (_fieldCells + 1);
            _field = new Rgb[n];
            for (int i = 0; i < n; i++) _field[i] = rng.Chance(0.5f) ? Rgb.Lerp(First, Second, rng.NextFloat()) : Rgb.Random(ref rng);
        }
        if (rng.Chance(0.35f))
        {
            _lines = new (float, float, float, float, float)[rng.Between(2, 6)];
            for (int i = 0; i < _lines.Length; i++)
            {
                float a = rng.Angle();
                float nx = MathF.Cos(a), ny = MathF.Sin(a);
                float px = rng.NextFloat(), py = rng.NextFloat();
                _lines[i] = (nx, ny, -(nx * px + ny * py), rng.Range(0.004f, 0.015f), rng.Range(-0.12f, 0.12f));
            }
        }
    }

    /// <summary>A darker or lighter version of the same hue.</summary>
    private static Rgb Tone(ref SplitMix64 rng, Rgb c)
    {
        float k = rng.Range(0.4f, 1.6f);
        return new Rgb(MathF.Min(c.R * k, 1f), MathF.Min(c.G * k, 1f), MathF.Min(c.B * k, 1f));
    }

    public Rgb MeanColour => Pattern == BackgroundPattern.ColourField && _field.Length > 0
        ? _field.Aggregate(new Rgb(0, 0, 0), (acc, c) => acc + c) * (1f / _field.Length)
        : Rgb.Lerp(First, Second, 0.5f);

    /// <summary>Colour at normalised point (x, y); <paramref name="pixel"/> is one pixel in those units (for antialiasing).</summary>
    public Rgb Sample(float x, float y, float pixel)
    {
        Rgb colour;
        switch (Pattern)
        {
            case BackgroundPattern.Gradient:
                colour = Rgb.Lerp(First, Second, Math.Clamp(0.5f + (x - 0.5f) * _dirX + (y - 0.5f) * _dirY, 0f, 1f));
                break;
            case BackgroundPattern.Noise:
                float n = _noise.Fractal(x * _frequency, y * _frequency, 3);
                colour = Rgb.Lerp(First, Second, Math.Clamp((n - 0.5f) * _sharpness * 0.8f + 0.5f, 0f, 1f));
                break;
            case BackgroundPattern.Stripes:
                float w = (x * _dirX + y * _dirY) * _frequency;
                float s = 0.5f + 0.5f * MathF.Sin(w * 2f * MathF.PI);
                colour = Rgb.Lerp(First, Second, Math.Clamp((s - 0.5f) * _sharpness + 0.5f, 0f, 1f));
                break;
            case BackgroundPattern.ColourField:
                colour = Field(x, y);
                break;
            default:
                colour = Tiles(x, y, pixel);
                break;
        }
        if (_detail > 0f)
        {
            float grain = _noise.Sample(x * 40f + 13f, y * 40f + 7f) - 0.5f;
            colour *= 1f + _detail * grain;
        }
        foreach (var line in _lines)
        {
            float d = MathF.Abs(line.A * x + line.B * y + line.C);
            float cover = Math.Clamp((line.HalfWidth - d) / pixel + 0.5f, 0f, 1f);
            if (cover > 0f) colour += new Rgb(line.Shift, line.Shift, line.Shift) * cover;
        }
        return colour;
    }

    private Rgb Field(float x, float y)
    {
        float gx = Math.Clamp(x, 0f, 1f) * _fieldCells, gy = Math.Clamp(y, 0f, 1f) * _fieldCells;
        int ix = Math.Min((int)gx, _fieldCells - 1), iy = Math.Min((int)gy, _fieldCells - 1);
        float tx = gx - ix, ty = gy - iy;
        tx = tx * tx * (3f - 2f * tx);
        ty = ty * ty * (3f - 2f * ty);
        int stride = _fieldCells + 1;
        var top = Rgb.Lerp(_field[iy * stride + ix], _field[iy * stride + ix + 1], tx);
        var bottom = Rgb.Lerp(_field[(iy + 1) * stride + ix], _field[(iy + 1) * stride + ix + 1], tx);
        return Rgb.Lerp(top, bottom, ty);
    }

    /// <summary>Rotated square tiles with thin grout lines, each tile slightly different in tone.</summary>
    private Rgb Tiles(float x, float y, float pixel)
    {
        float u = (x * _dirX + y * _dirY) * _frequency, v = (-x * _dirY + y * _dirX) * _frequency;
        float fu = MathF.Floor(u), fv = MathF.Floor(v);
        float tone = _noise.Hash((int)fu, (int)fv, 3);
        var tile = Rgb.Lerp(First, Rgb.Lerp(First, Second, 0.35f), tone);
        float edge = MathF.Min(MathF.Min(u - fu, 1f - (u - fu)), MathF.Min(v - fv, 1f - (v - fv))) / _frequency; // normalised units
        float grout = Math.Clamp((0.006f - edge) / pixel + 0.5f, 0f, 1f);
        return Rgb.Lerp(tile, Second, grout);
    }
}
