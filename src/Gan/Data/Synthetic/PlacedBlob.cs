namespace KernelGan.Gan.Data;

/// <summary>A soft drop shadow cast on whatever was drawn before the object.</summary>
internal readonly record struct DropShadow(float OffsetX, float OffsetY, float Softness, float Strength);

/// <summary>
/// A blob creature placed in a scene: centre (pixels), scale (pixels per local unit) and rotation,
/// plus per-copy colour gains (HOC jitter) and an optional drop shadow.
/// </summary>
internal sealed class PlacedBlob
{
    public BlobShape Shape { get; }
    public BlobAppearance Look { get; }
    public float CenterX { get; }
    public float CenterY { get; }
    public float Scale { get; }
    public float Cos { get; }
    public float Sin { get; }
    public Rgb Gains { get; }
    public DropShadow? Shadow { get; }

    public PlacedBlob(BlobShape shape, BlobAppearance look, float centerX, float centerY, float scale, float rotation, Rgb gains, DropShadow? shadow)
    {
        Shape = shape;
        Look = look;
        CenterX = centerX;
        CenterY = centerY;
        Scale = scale;
        Cos = MathF.Cos(rotation);
        Sin = MathF.Sin(rotation);
        Gains = gains;
        Shadow = shadow;
    }

    /// <summary>Radius in pixels of a circle around the centre that contains the object.</summary>
    public float PixelRadius => Shape.MaxRadius * Scale;

    /// <summary>Scene pixel coordinates to the object's local frame (undo translation, rotation, scale).</summary>
    public (float U, float V) ToLocal(float x, float y)
    {
        float dx = x - CenterX, dy = y - CenterY;
        return ((dx * Cos + dy * Sin) / Scale, (-dx * Sin + dy * Cos) / Scale);
    }
}
