namespace KernelGan.Gan.Data;

/// <summary>Surface patterns of a blob, evaluated in its local frame so they turn with it.</summary>
internal enum SurfaceTexture
{
    Flat,
    Gradient,
    Stripes,
    Spots,
    Noise,
}

/// <summary>
/// How a blob creature looks: two colours combined by a texture pattern, dome-like shading from a
/// random light direction, and optionally a pair of eyes (the one class-specific detail, like a
/// bird's beak in CUB, that a generator has to learn to place on the object).
/// </summary>
internal sealed class BlobAppearance
{
    public SurfaceTexture Texture { get; }
    public Rgb Primary { get; private set; }
    public Rgb Secondary { get; private set; }

    private readonly float _patternCos, _patternSin, _period, _sharpness;
    private readonly float _spotCell, _spotRadius;
    private readonly ValueNoise _noise;
    private readonly float _noiseFrequency;
    private readonly float _ambient, _diffuse, _lightX, _lightY, _lightZ, _specular;
    private readonly (float U, float V)[] _eyes = [];
    private readonly float _eyeRadius;
    private readonly Rgb _eyeWhite, _pupil;
    private readonly float _pupilShiftU, _pupilShiftV;

    public BlobAppearance(ref SplitMix64 rng, BlobShape shape)
    {
        Texture = (SurfaceTexture)rng.Below(5);
        Primary = Rgb.Random(ref rng);
        Secondary = PickSecondary(ref rng, Primary);

        float angle = rng.Angle();
        _patternCos = MathF.Cos(angle);
        _patternSin = MathF.Sin(angle);
        _period = rng.Range(0.18f, 0.5f);
        _sharpness = rng.Range(1f, 6f);
        _spotCell = rng.Range(0.22f, 0.45f);
        _spotRadius = rng.Range(0.22f, 0.4f);
        _noise = new ValueNoise(rng.NextULong());
        _noiseFrequency = rng.Range(2f, 6f);

        _ambient = rng.Range(0.45f, 0.75f);
        _diffuse = rng.Range(0.2f, 0.55f);
        float lightAngle = rng.Angle(), elevation = rng.Range(0.35f, 1.1f);
        _lightX = MathF.Cos(lightAngle) * MathF.Cos(elevation);
        _lightY = MathF.Sin(lightAngle) * MathF.Cos(elevation);
        _lightZ = MathF.Sin(elevation);
        _specular = rng.Chance(0.4f) ? rng.Range(0.1f, 0.35f) : 0f;

        if (rng.Chance(0.6f))
        {
            var front = shape.Front;
            _eyeRadius = front.Radius * rng.Range(0.22f, 0.32f);
            float spread = front.Radius * 0.42f;
            float px = -MathF.Sin(front.Angle), py = MathF.Cos(front.Angle); // perpendicular to the facing direction
            float fx = MathF.Cos(front.Angle) * front.Radius * 0.2f, fy = MathF.Sin(front.Angle) * front.Radius * 0.2f;
            _eyes = [(front.U + fx + px * spread, front.V + fy + py * spread), (front.U + fx - px * spread, front.V + fy - py * spread)];
            _eyeWhite = rng.Chance(0.8f) ? Rgb.FromHsv(0.15f, 0.05f, rng.Range(0.85f, 1f)) : Rgb.FromHsv(rng.NextFloat(), 0.8f, 0.9f);
            _pupil = Rgb.FromHsv(rng.NextFloat(), 0.3f, rng.Range(0.02f, 0.15f));
            _pupilShiftU = MathF.Cos(front.Angle) * _eyeRadius * 0.3f;
            _pupilShiftV = MathF.Sin(front.Angle) * _eyeRadius * 0.3f;
        }
    }

    /// <summary>Half the time a tone of the same hue, else an unrelated colour: patterns of varied contrast.</summary>
    private static Rgb PickSecondary(ref SplitMix64 rng, Rgb primary)
    {
        if (rng.Chance(0.5f))
        {
            float k = rng.Chance(0.5f) ? rng.Range(0.35f, 0.75f) : rng.Range(1.3f, 1.9f);
            return new Rgb(MathF.Min(primary.R * k, 1f), MathF.Min(primary.G * k, 1f), MathF.Min(primary.B * k, 1f));
        }
        return Rgb.Random(ref rng);
    }

    /// <summary>Replaces the colours (used when a first draw is too close to the background).</summary>
    public void Recolour(ref SplitMix64 rng)
    {
        Primary = Rgb.Random(ref rng);
        Secondary = PickSecondary(ref rng, Primary);
    }

    /// <summary>Mean colour over the surface, roughly.</summary>
    public Rgb MeanColour => Texture == SurfaceTexture.Flat ? Primary : Rgb.Lerp(Primary, Secondary, 0.5f);

    /// <summary>True when the texture itself has visible structure (stripes, spots, noise of some contrast).</summary>
    public bool IsPatterned => Texture is SurfaceTexture.Stripes or SurfaceTexture.Spots or SurfaceTexture.Noise
        && Rgb.Distance(Primary, Secondary) > 0.12f;

    /// <summary>
    /// Colour at local point (u, v) given the dome depth and outward direction from
    /// <see cref="BlobShape.Evaluate"/>. The light is fixed in the scene, so the local outward
    /// direction is turned by the object's rotation (<paramref name="rotCos"/>, <paramref name="rotSin"/>)
    /// first: copies of one object in a scene are then lit consistently.
    /// </summary>
    public Rgb Shade(float u, float v, float depth, float nx, float ny, float pixelSize, float rotCos, float rotSin)
    {
        float t = Texture switch
        {
            SurfaceTexture.Flat => 0f,
            SurfaceTexture.Gradient => Math.Clamp(0.5f + 0.5f * (u * _patternCos + v * _patternSin), 0f, 1f),
            SurfaceTexture.Stripes => Stripe(u * _patternCos + v * _patternSin),
            SurfaceTexture.Spots => Spot(u, v, pixelSize),
            _ => Math.Clamp((_noise.Fractal(u * _noiseFrequency + 50f, v * _noiseFrequency + 50f, 2) - 0.5f) * 2.2f + 0.5f, 0f, 1f),
        };
        var colour = Rgb.Lerp(Primary, Secondary, t);

        if (_eyes.Length > 0) colour = Eyes(u, v, colour, pixelSize);

        // Dome normal: tilts outward as depth goes 0 -> 1.
        float d = MathF.Min(depth, 1f);
        float tilt = d * 0.95f;
        float nz = MathF.Sqrt(MathF.Max(1f - tilt * tilt, 0f));
        float wx = nx * rotCos - ny * rotSin, wy = nx * rotSin + ny * rotCos;
        float lambert = MathF.Max(0f, wx * tilt * _lightX + wy * tilt * _lightY + nz * _lightZ);
        float light = _ambient + _diffuse * lambert;
        colour *= light;
        if (_specular > 0f)
        {
            float highlight = MathF.Pow(lambert, 12f) * _specular;
            colour += new Rgb(highlight, highlight, highlight);
        }
        return colour;
    }

    private float Stripe(float w)
    {
        float s = 0.5f + 0.5f * MathF.Sin(w * (2f * MathF.PI / _period));
        // Push towards 0/1 for hard-edged bands while keeping them antialiased.
        return Math.Clamp((s - 0.5f) * _sharpness + 0.5f, 0f, 1f);
    }

    private float Spot(float u, float v, float pixelSize)
    {
        float gx = u / _spotCell + 100f, gy = v / _spotCell + 100f;
        int cx = (int)MathF.Floor(gx), cy = (int)MathF.Floor(gy);
        // Each cell holds one spot at a hashed position; check the own cell and its neighbours.
        float best = float.MaxValue;
        for (int j = -1; j <= 1; j++)
        {
            for (int i = -1; i <= 1; i++)
            {
                float ox = _noise.Hash(cx + i, cy + j, 7) * 0.6f + 0.2f, oy = _noise.Hash(cx + i, cy + j, 8) * 0.6f + 0.2f;
                float dx = gx - (cx + i + ox), dy = gy - (cy + j + oy);
                best = MathF.Min(best, dx * dx + dy * dy);
            }
        }
        float distance = (MathF.Sqrt(best) - _spotRadius) * _spotCell; // local units, negative inside a spot
        return Math.Clamp(0.5f - distance / pixelSize, 0f, 1f);
    }

    private Rgb Eyes(float u, float v, Rgb colour, float pixelSize)
    {
        foreach (var (eu, ev) in _eyes)
        {
            float du = u - eu, dv = v - ev;
            float r = MathF.Sqrt(du * du + dv * dv);
            if (r > _eyeRadius + pixelSize) continue;
            float white = Math.Clamp((_eyeRadius - r) / pixelSize + 0.5f, 0f, 1f);
            colour = Rgb.Lerp(colour, _eyeWhite, white);
            float pu = du - _pupilShiftU, pv = dv - _pupilShiftV;
            float pr = MathF.Sqrt(pu * pu + pv * pv);
            float pupil = Math.Clamp((_eyeRadius * 0.5f - pr) / pixelSize + 0.5f, 0f, 1f);
            colour = Rgb.Lerp(colour, _pupil, pupil);
        }
        return colour;
    }
}
