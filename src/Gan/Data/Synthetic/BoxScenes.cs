namespace KernelGan.Gan.Data;

/// <summary>
/// Builds a box-level scene: 1–3 independent blob creatures, each fully inside the frame, scattered
/// with at most slight overlap over one background. Boxes are the tight boxes of each object's
/// visible mask pixels.
/// </summary>
internal static class BoxScenes
{
    private const ulong Family = SyntheticStreams.BoxScenesFamily;

    /// <summary>Objects in the scene, drawn from its own stream so it is known without rendering.</summary>
    public static int ObjectCount(long seed, ulong key)
    {
        var rng = SyntheticStreams.Stream(seed, Family, SyntheticStreams.ObjectCount, key);
        return rng.Between(1, 3);
    }

    /// <summary>
    /// Everything about scene <paramref name="key"/> except its pixels: objects, instance map and boxes.
    /// Cheap (no background or shading), so box items can find their crop before rendering only it.
    /// </summary>
    public static BoxSceneLayout Layout(int sceneSize, long seed, ulong key)
    {
        int count = ObjectCount(seed, key);
        var backgroundRng = SyntheticStreams.Stream(seed, Family, SyntheticStreams.Background, key);
        var placementRng = SyntheticStreams.Stream(seed, Family, SyntheticStreams.Placement, key);
        var finishRng = SyntheticStreams.Stream(seed, Family, SyntheticStreams.Finish, key);
        var background = new SceneBackground(ref backgroundRng);

        var placed = new List<PlacedBlob>(count);
        for (int k = 0; k < count; k++)
        {
            var objectRng = SyntheticStreams.Stream(seed, Family, SyntheticStreams.Object, key, (ulong)k);
            var (shape, look) = BlobCreatures.Draw(ref objectRng);
            BlobCreatures.EnsureContrast(look, background, ref objectRng);
            float fraction = count == 1 ? placementRng.Range(0.06f, 0.18f) : placementRng.Range(0.03f, 0.10f);
            float scale = MathF.Sqrt(fraction * sceneSize * sceneSize / shape.Area);
            scale = MathF.Min(scale, (0.5f * sceneSize - 2f) / shape.MaxRadius);
            var (cx, cy) = FindSpot(ref placementRng, placed, shape.MaxRadius * scale, sceneSize);
            float rotation = placementRng.Angle();
            var shadow = BlobCreatures.MaybeShadow(ref placementRng, shape.MaxRadius * scale);
            placed.Add(new PlacedBlob(shape, look, cx, cy, scale, rotation, BlobCreatures.NoGain, shadow));
        }

        var ids = SceneRenderer.InstanceMap(sceneSize, sceneSize, placed);
        return new BoxSceneLayout(sceneSize, background, placed, new SceneFinish(ref finishRng), ids, TightBoxes(ids, count, sceneSize));
    }

    /// <summary>
    /// A centre whose bounding circle keeps inside the frame and mostly clear of earlier objects
    /// (bounding circles may overlap by 15%, the shapes themselves rarely touch). Always succeeds:
    /// after many failed tries the overlap rule is dropped, so the object count stays as drawn.
    /// </summary>
    private static (float X, float Y) FindSpot(ref SplitMix64 rng, List<PlacedBlob> placed, float radius, int sceneSize)
    {
        float lo = radius + 2f, hi = sceneSize - radius - 2f;
        if (hi < lo) lo = hi = 0.5f * sceneSize;
        for (int attempt = 0; attempt < 200; attempt++)
        {
            float x = rng.Range(lo, hi), y = rng.Range(lo, hi);
            bool clear = true;
            foreach (var other in placed)
            {
                float dx = x - other.CenterX, dy = y - other.CenterY, minimum = 0.85f * (radius + other.PixelRadius);
                if (dx * dx + dy * dy < minimum * minimum) { clear = false; break; }
            }
            if (clear) return (x, y);
        }
        return (rng.Range(lo, hi), rng.Range(lo, hi));
    }

    private static BoxAnnotation[] TightBoxes(int[] instanceMap, int count, int sceneSize)
    {
        var boxes = new BoxAnnotation[count];
        var minX = Enumerable.Repeat(int.MaxValue, count + 1).ToArray();
        var minY = Enumerable.Repeat(int.MaxValue, count + 1).ToArray();
        var maxX = Enumerable.Repeat(-1, count + 1).ToArray();
        var maxY = Enumerable.Repeat(-1, count + 1).ToArray();
        for (int y = 0; y < sceneSize; y++)
        {
            for (int x = 0; x < sceneSize; x++)
            {
                int id = instanceMap[y * sceneSize + x];
                if (id == 0) continue;
                minX[id] = Math.Min(minX[id], x);
                maxX[id] = Math.Max(maxX[id], x);
                minY[id] = Math.Min(minY[id], y);
                maxY[id] = Math.Max(maxY[id], y);
            }
        }
        for (int id = 1; id <= count; id++)
        {
            boxes[id - 1] = maxX[id] < 0
                ? new BoxAnnotation(sceneSize / 2, sceneSize / 2, 1, 1, sceneSize, sceneSize) // fully hidden: cannot happen with our overlap rule
                : new BoxAnnotation(minX[id], minY[id], maxX[id] - minX[id] + 1, maxY[id] - minY[id] + 1, sceneSize, sceneSize);
        }
        return boxes;
    }
}

/// <summary>A box scene's content without pixels; renders the full image or just a crop of it on demand.</summary>
internal sealed record BoxSceneLayout(int SceneSize, SceneBackground Background, IReadOnlyList<PlacedBlob> Objects,
    SceneFinish Finish, int[] InstanceMap, BoxAnnotation[] Boxes)
{
    public HostImage RenderImage() => SceneRenderer.Render(SceneSize, SceneSize, Background, Objects, Finish).Image;

    public HostImage ForegroundMask() => SceneRenderer.Foreground(InstanceMap, SceneSize, SceneSize);

    /// <summary>
    /// The crop <paramref name="window"/> of the scene image with edge replication outside it, equal to
    /// cropping <see cref="RenderImage"/> but rendering only the part of the window inside the scene.
    /// </summary>
    public HostImage RenderCrop(CropWindow window)
    {
        int x0 = Math.Clamp(window.X, 0, SceneSize - 1), y0 = Math.Clamp(window.Y, 0, SceneSize - 1);
        int x1 = Math.Clamp(window.X + window.Side, x0 + 1, SceneSize), y1 = Math.Clamp(window.Y + window.Side, y0 + 1, SceneSize);
        var region = new SceneRenderer.Region(x0, y0, x1 - x0, y1 - y0);
        var part = SceneRenderer.RenderRegion(SceneSize, SceneSize, region, Background, Objects, Finish).Image;
        // Edge replication of the visible part equals edge replication of the whole scene, because
        // every clamped outside coordinate lands on a scene edge that lies inside the window.
        return ImageOps.Crop(part, window with { X = window.X - x0, Y = window.Y - y0 }, OutsideFill.EdgeReplicate);
    }
}
