namespace KernelGan.Gan.Data;

/// <summary>
/// The one synthetic object class, "blob creatures": draws shapes and looks, and keeps an object
/// visibly different from its background in most (not all) scenes.
/// </summary>
internal static class BlobCreatures
{
    /// <summary>Share of scenes where the contrast check is skipped on purpose: some objects are hard to see, as in photos.</summary>
    private const float HardCaseRate = 0.1f;

    public static (BlobShape Shape, BlobAppearance Look) Draw(ref SplitMix64 rng)
    {
        var shape = new BlobShape(ref rng);
        var look = new BlobAppearance(ref rng, shape);
        return (shape, look);
    }

    /// <summary>
    /// The background is drawn independently and is never changed here. If an untextured object's
    /// mean colour is too close to it, only the object is recoloured (a few tries). Textured objects
    /// stand out by their pattern anyway. This keeps the object findable without making any one
    /// cue (brighter, more saturated) always true.
    /// </summary>
    public static void EnsureContrast(BlobAppearance look, SceneBackground background, ref SplitMix64 rng)
    {
        if (rng.Chance(HardCaseRate)) return;
        for (int attempt = 0; attempt < 6; attempt++)
        {
            float distance = Rgb.Distance(look.MeanColour, background.MeanColour);
            float needed = look.IsPatterned ? 0.06f : 0.14f;
            if (distance >= needed) return;
            look.Recolour(ref rng);
        }
    }

    public static DropShadow? MaybeShadow(ref SplitMix64 rng, float objectRadiusPixels)
    {
        if (!rng.Chance(0.4f)) return null;
        float angle = rng.Angle(), length = objectRadiusPixels * rng.Range(0.05f, 0.18f);
        return new DropShadow(MathF.Cos(angle) * length, MathF.Sin(angle) * length,
            MathF.Max(1.5f, objectRadiusPixels * rng.Range(0.08f, 0.25f)), rng.Range(0.2f, 0.5f));
    }

    public static Rgb NoGain => new(1f, 1f, 1f);
}
