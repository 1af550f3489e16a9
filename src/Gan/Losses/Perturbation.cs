namespace KernelGan.Gan.Losses;

/// <summary>
/// PerturbGAN's trick as ILSGAN uses it: before D sees a composite, the foreground and its mask
/// move together by a random whole-pixel offset while the background stays. A generator that
/// painted the object into the background would be exposed by the shift, so the object must live
/// in the fg layer and its mask.
/// </summary>
public static class Perturbation
{
    /// <summary>Per-image offsets in [-max, max] pixels, max = fraction * width.</summary>
    public static (int[] Dx, int[] Dy) DrawShifts(Rng rng, int batch, int width, float fraction = 0.125f)
    {
        int max = (int)MathF.Floor(width * fraction);
        var dx = new int[batch];
        var dy = new int[batch];
        for (int i = 0; i < batch; i++)
        {
            dx[i] = rng.NextInt(-max, max);
            dy[i] = rng.NextInt(-max, max);
        }
        return (dx, dy);
    }

    /// <summary>m' * fg' + (1 - m') * bg with fg', m' shifted by (dx, dy).</summary>
    public static Tensor ShiftedComposite(Tensor fg, Tensor mask, Tensor bg, int[] dx, int[] dy) =>
        Shifted(fg, mask, bg, dx, dy).Composite;

    /// <summary>The shifted composite and the shifted mask m' it was made with (the official code's mask priors act on m').</summary>
    public static (Tensor Composite, Tensor Mask) Shifted(Tensor fg, Tensor mask, Tensor bg, int[] dx, int[] dy)
    {
        var shiftedMask = Ops.Translate(mask, dx, dy);
        return (Ops.Composite(shiftedMask, Ops.Translate(fg, dx, dy), bg), shiftedMask);
    }
}
