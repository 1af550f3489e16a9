namespace KernelGan.Gan.Prior;

/// <summary>
/// The bounds of the layout module's poses. Scale is the side of an instance's canonical frame as
/// a fraction of the canvas side; translation moves the frame's centre in normalized canvas
/// coordinates ([-1, 1] spans the canvas, so |t| above 1 puts the centre outside it, which is how
/// an instance is cut by the crop border or left out); rotation is unbounded at 180 degrees or
/// more, otherwise limited to +-MaxRotationDegrees; aspect and shear are off at 0.
/// </summary>
public sealed record PoseRanges(float MinScale, float MaxScale, float MaxTranslation, float MaxRotationDegrees,
                                float MaxLogAspect = 0f, float MaxShear = 0f)
{
    public bool FullRotation => MaxRotationDegrees >= 180f;

    public void Validate()
    {
        if (!(MinScale > 0) || !(MaxScale >= MinScale))
            throw new ArgumentException($"pose scale range [{MinScale}, {MaxScale}] must be positive and ordered");
        if (!(MaxTranslation >= 0) || !(MaxRotationDegrees >= 0) || !(MaxLogAspect >= 0) || !(MaxShear >= 0))
            throw new ArgumentException("pose translation, rotation, aspect and shear bounds must not be negative");
        if (!FullRotation && MaxRotationDegrees >= 89.5f)
            throw new ArgumentException("a limited rotation range must stay below 90 degrees (use 180 for any angle)");
    }
}

/// <summary>
/// The layout module's pose parametrization: 7 unbounded numbers per instance become a bounded
/// similarity-plus-shear transform, and then the inverse affine matrix that
/// <see cref="Ops.AffineGrid"/> needs (it maps each canvas point to where it samples the canonical
/// instance). Everything is built from differentiable ops, so the adversarial loss reaches the
/// pose through grid sampling.
/// <para>Raw columns: 0 scale, 1 log-aspect, 2 shear, 3-4 rotation direction (u, v), 5-6 translation.</para>
/// <para>Placement: p = A q + t with A = R(angle) * s * [[a, k], [0, 1/a]]; q is a point of the
/// canonical frame [-1,1]^2, p of the canvas. Sampling needs the inverse:
/// theta = [A^-1 | -A^-1 t], A^-1 = (1/s) [[c/a + k*sn, sn/a - k*c], [-a*sn, a*c]].</para>
/// </summary>
public static class AffinePose
{
    public const int RawDims = 7;

    /// <summary>A decoded pose, as tensors [M, 1] (scale, aspect, shear, cos, sin, tx, ty).</summary>
    public sealed record Decoded(Tensor Scale, Tensor Aspect, Tensor Shear, Tensor Cos, Tensor Sin, Tensor Tx, Tensor Ty);

    public static Decoded Decode(Tensor raw, PoseRanges ranges)
    {
        if (raw.Rank != 2 || raw.Shape[1] != RawDims)
            throw new ShapeException($"affine-pose: raw pose {Shape.Format(raw.Shape)} must be [M,{RawDims}]");
        Tensor Col(int j) => Ops.Narrow(raw, 1, j, 1);
        int m = raw.Shape[0];
        var scale = Ops.Affine(Ops.Sigmoid(Col(0)), ranges.MaxScale - ranges.MinScale, ranges.MinScale);
        var aspect = ranges.MaxLogAspect > 0 ? Ops.Exp(Ops.Tanh(Col(1)) * ranges.MaxLogAspect) : Tensor.Full([m, 1], 1f, raw.Backend);
        var shear = ranges.MaxShear > 0 ? Ops.Tanh(Col(2)) * ranges.MaxShear : Tensor.Zeros([m, 1], raw.Backend);
        Tensor cos, sin;
        if (ranges.FullRotation)
        {
            // A direction vector normalized: a Gaussian (u, v) gives a uniform angle, with no wrap-around.
            var u = Col(3);
            var v = Col(4);
            var norm = Ops.Sqrt(Ops.Square(u) + Ops.Square(v) + 1e-6f);
            cos = u / norm;
            sin = v / norm;
        }
        else
        {
            // tan(angle) bounded by tan(max): cos = 1/sqrt(1+r^2), sin = r*cos, angle in (-max, max).
            float maxTan = MathF.Tan(ranges.MaxRotationDegrees * MathF.PI / 180f);
            var r = Ops.Tanh(Col(3)) * maxTan;
            cos = Ops.Reciprocal(Ops.Sqrt(Ops.Square(r) + 1f));
            sin = r * cos;
        }
        var tx = Ops.Tanh(Col(5)) * ranges.MaxTranslation;
        var ty = Ops.Tanh(Col(6)) * ranges.MaxTranslation;
        return new Decoded(scale, aspect, shear, cos, sin, tx, ty);
    }

    /// <summary>The sampling matrices theta [M, 2, 3] for <see cref="Ops.AffineGrid"/>.</summary>
    public static Tensor Theta(Decoded p)
    {
        var invS = Ops.Reciprocal(p.Scale);
        var invA = Ops.Reciprocal(p.Aspect);
        var a00 = (p.Cos * invA + p.Shear * p.Sin) * invS;
        var a01 = (p.Sin * invA - p.Shear * p.Cos) * invS;
        var a10 = -(p.Aspect * p.Sin) * invS;
        var a11 = p.Aspect * p.Cos * invS;
        var b0 = -(a00 * p.Tx + a01 * p.Ty);
        var b1 = -(a10 * p.Tx + a11 * p.Ty);
        var rows = Ops.Concat(1, a00, a01, b0, a10, a11, b1);
        return Ops.Reshape(rows, rows.Shape[0], 2, 3);
    }

    public static Tensor Theta(Tensor raw, PoseRanges ranges) => Theta(Decode(raw, ranges));

    /// <summary>
    /// Host-side inverse of a sampling matrix: the forward placement (A, t) with p = A q + t, used to
    /// draw where an instance's canonical frame lands on the canvas.
    /// </summary>
    public static (float A00, float A01, float A10, float A11, float Tx, float Ty) Placement(ReadOnlySpan<float> theta)
    {
        float i00 = theta[0], i01 = theta[1], b0 = theta[2], i10 = theta[3], i11 = theta[4], b1 = theta[5];
        float det = i00 * i11 - i01 * i10;
        float a00 = i11 / det, a01 = -i01 / det, a10 = -i10 / det, a11 = i00 / det;
        // theta = [A^-1 | -A^-1 t]  =>  t = -A b
        return (a00, a01, a10, a11, -(a00 * b0 + a01 * b1), -(a10 * b0 + a11 * b1));
    }
}
