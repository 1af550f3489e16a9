namespace KernelGan.Gan.Data;

/// <summary>
/// Builds a homogeneous-object-cluster scene: one creature design copied 15–30 times with varied
/// rotation and size (0.7–1.3x) and slight colour jitter, no two bounding circles overlapping (so
/// instance masks are disjoint), over a textured background, under one light and shadow direction.
/// </summary>
internal static class HocScenes
{
    private const ulong Family = SyntheticStreams.HocFamily;

    public static RenderedScene Render(int sceneSize, long seed)
    {
        var backgroundRng = SyntheticStreams.Stream(seed, Family, SyntheticStreams.Background, 0);
        var objectRng = SyntheticStreams.Stream(seed, Family, SyntheticStreams.Object, 0);
        var placementRng = SyntheticStreams.Stream(seed, Family, SyntheticStreams.Placement, 0);
        var finishRng = SyntheticStreams.Stream(seed, Family, SyntheticStreams.Finish, 0);

        var background = new SceneBackground(ref backgroundRng);
        var (shape, look) = BlobCreatures.Draw(ref objectRng);
        BlobCreatures.EnsureContrast(look, background, ref objectRng);

        int count = placementRng.Between(15, 30);
        float coverage = placementRng.Range(0.16f, 0.24f);
        // E[scale^2] over U(0.7, 1.3) is 1.03.
        float baseScale = MathF.Sqrt(coverage * sceneSize * sceneSize / (count * shape.Area * 1.03f));
        float shadowAngle = placementRng.Angle();
        float shadowStrength = placementRng.Chance(0.6f) ? placementRng.Range(0.2f, 0.45f) : 0f;

        var placed = PlaceAll(ref placementRng, shape, look, count, baseScale, sceneSize, shadowAngle, shadowStrength);
        return SceneRenderer.Render(sceneSize, sceneSize, background, placed, new SceneFinish(ref finishRng));
    }

    /// <summary>
    /// Random sequential placement without overlap. If the scene gets too crowded to fit every copy,
    /// all copies are shrunk by 10% and placement starts over (deterministically, same stream).
    /// </summary>
    private static List<PlacedBlob> PlaceAll(ref SplitMix64 rng, BlobShape shape, BlobAppearance look, int count,
        float baseScale, int sceneSize, float shadowAngle, float shadowStrength)
    {
        while (true)
        {
            var placed = new List<PlacedBlob>(count);
            for (int k = 0; k < count; k++)
            {
                float scale = baseScale * rng.Range(0.7f, 1.3f);
                float radius = shape.MaxRadius * scale;
                var spot = FindSpot(ref rng, placed, radius, sceneSize);
                if (spot is null) break;
                var gains = new Rgb(1f + rng.Range(-0.06f, 0.06f), 1f + rng.Range(-0.06f, 0.06f), 1f + rng.Range(-0.06f, 0.06f));
                DropShadow? shadow = shadowStrength > 0f
                    ? new DropShadow(MathF.Cos(shadowAngle) * radius * 0.12f, MathF.Sin(shadowAngle) * radius * 0.12f, MathF.Max(1.5f, radius * 0.15f), shadowStrength)
                    : null;
                placed.Add(new PlacedBlob(shape, look, spot.Value.X, spot.Value.Y, scale, rng.Angle(), gains, shadow));
            }
            if (placed.Count == count) return placed;
            baseScale *= 0.9f;
        }
    }

    private static (float X, float Y)? FindSpot(ref SplitMix64 rng, List<PlacedBlob> placed, float radius, int sceneSize)
    {
        float lo = radius + 1f, hi = sceneSize - radius - 1f;
        if (hi <= lo) return null;
        for (int attempt = 0; attempt < 3000; attempt++)
        {
            float x = rng.Range(lo, hi), y = rng.Range(lo, hi);
            bool clear = true;
            foreach (var other in placed)
            {
                float dx = x - other.CenterX, dy = y - other.CenterY, minimum = radius + other.PixelRadius;
                if (dx * dx + dy * dy < minimum * minimum) { clear = false; break; }
            }
            if (clear) return (x, y);
        }
        return null;
    }
}
