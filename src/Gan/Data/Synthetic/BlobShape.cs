namespace KernelGan.Gan.Data;

/// <summary>The family a blob body's outline belongs to.</summary>
internal enum BodyKind
{
    /// <summary>|x|^n + |y|^n = 1: from diamond-like (n ~ 1.6) through ellipse (2) to rounded box (5).</summary>
    Superellipse,

    /// <summary>Circle perturbed by a few random low harmonics: potato, bean and amoeba shapes.</summary>
    Lobed,

    /// <summary>One strong harmonic with sharpened peaks: rounded stars and flowers with 4–7 arms.</summary>
    Star,
}

/// <summary>
/// The geometry of one "blob creature" in its own local frame (body radius about 1): a star-shaped
/// body given by a smooth radius function R(phi), stretched vertically by <see cref="Aspect"/>, and
/// optionally a second elliptic part (a "head") overlapping its rim. Evaluation returns a
/// conservative signed distance (positive inside) that lets the rasteriser decide most pixels with
/// one sample and supersample only those near the outline.
/// </summary>
internal sealed class BlobShape
{
    public BodyKind Kind { get; }
    public float Aspect { get; }

    private readonly float _superExponent;
    private readonly float[] _harmonicCos = []; // per harmonic k = 1..: amplitude * cos(phase)
    private readonly float[] _harmonicSin = []; // amplitude * sin(phase)
    private readonly int _starArms;
    private readonly float _starAmplitude, _starSharpness, _starPhaseCos, _starPhaseSin;

    public bool HasPart { get; }
    public float PartU { get; }
    public float PartV { get; }
    private readonly float _partRadiusA, _partRadiusB, _partCos, _partSin;

    /// <summary>Bound on |R'(phi)/R| (with margin), turning radial gaps into distance bounds.</summary>
    private readonly float _slopeFactor;

    /// <summary>Radius of a circle around the local origin containing the whole shape.</summary>
    public float MaxRadius { get; }

    /// <summary>Shape area in local units squared (estimated by rasterising once).</summary>
    public float Area { get; }

    /// <summary>Where eyes may go (local frame): on the head if there is one, else near the body's front.</summary>
    public (float U, float V, float Radius, float Angle) Front { get; }

    public BlobShape(ref SplitMix64 rng)
    {
        Kind = (BodyKind)rng.Below(3);
        Aspect = rng.Chance(0.25f) ? 1f : rng.Range(0.55f, 1f);
        switch (Kind)
        {
            case BodyKind.Superellipse:
                _superExponent = rng.Chance(0.2f) ? rng.Range(1.6f, 2f) : rng.Range(2f, 5f);
                break;
            case BodyKind.Lobed:
                int harmonics = 4;
                _harmonicCos = new float[harmonics + 2];
                _harmonicSin = new float[harmonics + 2];
                for (int k = 2; k < 2 + harmonics; k++)
                {
                    float amplitude = rng.Range(0f, 0.22f) / MathF.Pow(k - 1, 0.8f);
                    float phase = rng.Angle();
                    _harmonicCos[k] = amplitude * MathF.Cos(phase);
                    _harmonicSin[k] = amplitude * MathF.Sin(phase);
                }
                break;
            case BodyKind.Star:
                _starArms = rng.Between(4, 7);
                _starAmplitude = rng.Range(0.18f, 0.38f);
                _starSharpness = rng.Range(1f, 2.5f);
                float starPhase = rng.Angle();
                _starPhaseCos = MathF.Cos(starPhase);
                _starPhaseSin = MathF.Sin(starPhase);
                break;
        }

        _slopeFactor = 1f;
        _slopeFactor = MeasureSlopeFactor();

        float frontAngle = rng.Angle();
        float rimRadius = BodyRadius(MathF.Cos(frontAngle), MathF.Sin(frontAngle));
        // The rim point in the unstretched local frame.
        float rimU = rimRadius * MathF.Cos(frontAngle), rimV = rimRadius * MathF.Sin(frontAngle) * Aspect;
        float maxRadius = MeasureBodyMaxRadius();
        HasPart = rng.Chance(0.45f);
        if (HasPart)
        {
            float along = rng.Range(0.75f, 1.0f);
            PartU = rimU * along;
            PartV = rimV * along;
            _partRadiusA = rng.Range(0.3f, 0.55f);
            _partRadiusB = _partRadiusA * rng.Range(0.65f, 1f);
            float partAngle = rng.Angle();
            _partCos = MathF.Cos(partAngle);
            _partSin = MathF.Sin(partAngle);
            maxRadius = MathF.Max(maxRadius, MathF.Sqrt(PartU * PartU + PartV * PartV) + _partRadiusA);
            Front = (PartU, PartV, _partRadiusB, frontAngle);
        }
        else
        {
            Front = (rimU * 0.55f, rimV * 0.55f, 0.45f * MathF.Min(rimRadius, 1f) * Aspect, frontAngle);
        }
        MaxRadius = maxRadius * 1.02f;
        Area = MeasureArea();
    }

    /// <summary>Body radius R(phi) for a direction given by its cosine and sine (in the stretched frame).</summary>
    private float BodyRadius(float c, float s)
    {
        switch (Kind)
        {
            case BodyKind.Superellipse:
                float n = _superExponent;
                return MathF.Pow(MathF.Pow(MathF.Abs(c), n) + MathF.Pow(MathF.Abs(s), n), -1f / n);
            case BodyKind.Lobed:
                // cos(k phi + p) from powers of the unit complex number (c + i s): no trig per pixel.
                float r = 1f, zr = c, zi = s;
                for (int k = 2; k < _harmonicCos.Length; k++)
                {
                    float nr = zr * c - zi * s, ni = zr * s + zi * c;
                    zr = nr;
                    zi = ni;
                    r += zr * _harmonicCos[k] - zi * _harmonicSin[k];
                }
                return r;
            default:
                float pr = c, pi = s;
                for (int k = 1; k < _starArms; k++)
                {
                    float nr = pr * c - pi * s, ni = pr * s + pi * c;
                    pr = nr;
                    pi = ni;
                }
                float wave = pr * _starPhaseCos - pi * _starPhaseSin; // cos(n phi + p), may overshoot [-1, 1] by rounding
                // 0..1, narrow peaks for sharpness > 1. The clamp matters: Pow of a base rounded to
                // -1e-7 is NaN, which once showed up as stray black pixels in shadows.
                float peak = MathF.Pow(Math.Clamp(0.5f * (1f + wave), 0f, 1f), _starSharpness);
                return 1f + _starAmplitude * (2f * peak - 1f);
        }
    }

    /// <summary>
    /// Evaluates the shape at local point (u, v). Returns a lower bound on the distance to the outline
    /// (local units, positive inside). <paramref name="depth"/> is 0 at the centre of the part the
    /// point belongs to and 1 on its rim; (<paramref name="nx"/>, <paramref name="ny"/>) is the
    /// outward direction there, together a dome used for shading.
    /// </summary>
    public float Evaluate(float u, float v, out float depth, out float nx, out float ny)
    {
        float sv = v / Aspect;
        float r = MathF.Sqrt(u * u + sv * sv);
        float bodyDistance;
        if (r < 1e-6f)
        {
            depth = 0f;
            nx = ny = 0f;
            bodyDistance = 0.3f * Aspect;
        }
        else
        {
            float c = u / r, s = sv / r;
            float radius = BodyRadius(c, s);
            depth = r / radius;
            nx = c;
            ny = s;
            // Stretching by Aspect <= 1 shrinks distances by at most that factor.
            bodyDistance = (radius - r) * Aspect / _slopeFactor;
        }
        if (!HasPart) return bodyDistance;

        float du = u - PartU, dv = v - PartV;
        float pu = du * _partCos + dv * _partSin, pv = -du * _partSin + dv * _partCos;
        float qa = pu / _partRadiusA, qb = pv / _partRadiusB;
        float q = MathF.Sqrt(qa * qa + qb * qb);
        // Scaling an ellipse by q moves every rim point by at least (q - 1) * its shorter radius.
        float partDistance = (1f - q) * _partRadiusB;
        if (partDistance > bodyDistance)
        {
            depth = q;
            if (q > 1e-6f)
            {
                nx = (qa * _partCos - qb * _partSin) / q;
                ny = (qa * _partSin + qb * _partCos) / q;
            }
            return partDistance;
        }
        return bodyDistance;
    }

    /// <summary>Exact inside test (the outline is the zero set of the same functions).</summary>
    public bool Inside(float u, float v)
    {
        float sv = v / Aspect;
        float r = MathF.Sqrt(u * u + sv * sv);
        if (r < 1e-6f || r < BodyRadius(u / r, sv / r)) return true;
        if (!HasPart) return false;
        float du = u - PartU, dv = v - PartV;
        float pu = (du * _partCos + dv * _partSin) / _partRadiusA, pv = (-du * _partSin + dv * _partCos) / _partRadiusB;
        return pu * pu + pv * pv < 1f;
    }

    /// <summary>max over phi of sqrt(1 + (R'/R)^2), sampled finely, with a safety margin.</summary>
    private float MeasureSlopeFactor()
    {
        const int steps = 360;
        float worst = 0f;
        float previous = BodyRadius(1f, 0f);
        for (int i = 1; i <= steps; i++)
        {
            float phi = 2f * MathF.PI * i / steps;
            float current = BodyRadius(MathF.Cos(phi), MathF.Sin(phi));
            float derivative = (current - previous) / (2f * MathF.PI / steps);
            worst = MathF.Max(worst, MathF.Abs(derivative) / MathF.Min(current, previous));
            previous = current;
        }
        return 1.25f * MathF.Sqrt(1f + worst * worst);
    }

    private float MeasureBodyMaxRadius()
    {
        float worst = 0f;
        for (int i = 0; i < 180; i++)
        {
            float phi = 2f * MathF.PI * i / 180;
            float c = MathF.Cos(phi), s = MathF.Sin(phi), radius = BodyRadius(c, s);
            worst = MathF.Max(worst, radius * MathF.Sqrt(c * c + s * s * Aspect * Aspect));
        }
        return worst;
    }

    /// <summary>Area by counting inside samples on a 32x32 grid over the bounding square.</summary>
    private float MeasureArea()
    {
        const int grid = 32;
        float extent = MaxRadius, step = 2f * extent / grid;
        int inside = 0;
        for (int j = 0; j < grid; j++)
        {
            float v = -extent + (j + 0.5f) * step;
            for (int i = 0; i < grid; i++)
            {
                if (Inside(-extent + (i + 0.5f) * step, v)) inside++;
            }
        }
        return inside * step * step;
    }
}
