namespace KernelGan.Gan.Data;

/// <summary>Builds the object-centric scene for one key: one blob creature over an independent background.</summary>
internal static class ObjectCentricScenes
{
    public const float MinAreaFraction = 0.15f;
    public const float MaxAreaFraction = 0.50f;

    /// <summary>Largest distance of the object centre from the image centre, as a fraction of the side.</summary>
    private const float MaxCentreOffset = 0.1f;

    public static RenderedScene Render(int size, long seed, ulong key)
    {
        const ulong family = SyntheticStreams.ObjectCentricFamily;
        var backgroundRng = SyntheticStreams.Stream(seed, family, SyntheticStreams.Background, key);
        var objectRng = SyntheticStreams.Stream(seed, family, SyntheticStreams.Object, key);
        var placementRng = SyntheticStreams.Stream(seed, family, SyntheticStreams.Placement, key);
        var finishRng = SyntheticStreams.Stream(seed, family, SyntheticStreams.Finish, key);

        var background = new SceneBackground(ref backgroundRng);
        var (shape, look) = BlobCreatures.Draw(ref objectRng);
        BlobCreatures.EnsureContrast(look, background, ref objectRng);

        // Scale so the object covers the drawn fraction of the image, but never more than fits:
        // the whole creature stays inside the frame (elongated shapes then end up somewhat smaller).
        float targetArea = placementRng.Range(MinAreaFraction, MaxAreaFraction) * size * size;
        float scale = MathF.Sqrt(targetArea / shape.Area);
        scale = MathF.Min(scale, (0.5f * size - 1f) / shape.MaxRadius);
        float room = MathF.Max(0f, MathF.Min(MaxCentreOffset * size, 0.5f * size - 1f - shape.MaxRadius * scale));
        float cx = 0.5f * size + placementRng.Range(-room, room);
        float cy = 0.5f * size + placementRng.Range(-room, room);
        float rotation = placementRng.Angle();
        var shadow = BlobCreatures.MaybeShadow(ref placementRng, shape.MaxRadius * scale);

        var placed = new PlacedBlob(shape, look, cx, cy, scale, rotation, BlobCreatures.NoGain, shadow);
        return SceneRenderer.Render(size, size, background, [placed], new SceneFinish(ref finishRng));
    }
}
