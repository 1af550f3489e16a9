namespace KernelGan.Gan.Data;

/// <summary>A rendered scene (or region of one): the RGB image and the instance map (0 = background, k = k-th object, topmost wins).</summary>
internal sealed record RenderedScene(HostImage Image, int[] InstanceMap, int InstanceCount)
{
    /// <summary>Binary foreground mask (any instance).</summary>
    public HostImage ForegroundMask() => SceneRenderer.Foreground(InstanceMap, Image.Height, Image.Width);
}

/// <summary>
/// Draws background, shadows and blobs (in order, alpha-composited with their pixel coverage) into
/// an image, and records which object owns each pixel. Coverage is exact up to 4x4 supersampling,
/// computed only near outlines: elsewhere the shape's distance bound decides with one sample.
/// A pixel belongs to an object's mask when its coverage is at least one half, i.e. the mask is
/// the exact binarisation of the antialiased alpha the image was composited with.
/// Any rectangular region can be rendered on its own and is pixel-identical to the same region
/// of the full render (everything is a function of scene coordinates), which lets box crops of a
/// large scene cost only their own pixels.
/// </summary>
internal static class SceneRenderer
{
    private const int SubSamples = 4;

    /// <summary>Half a pixel diagonal: beyond this distance from the outline a pixel is entirely in or out.</summary>
    private const float CertainDistance = 0.72f;

    /// <summary>A pixel rectangle [X, X+Width) x [Y, Y+Height) of the scene.</summary>
    public readonly record struct Region(int X, int Y, int Width, int Height);

    public static RenderedScene Render(int width, int height, SceneBackground background, IReadOnlyList<PlacedBlob> objects, SceneFinish finish) =>
        RenderRegion(width, height, new Region(0, 0, width, height), background, objects, finish);

    /// <summary>Renders <paramref name="region"/> (which must lie inside the scene) of a scene of the given size.</summary>
    public static RenderedScene RenderRegion(int sceneWidth, int sceneHeight, Region region, SceneBackground background,
        IReadOnlyList<PlacedBlob> objects, SceneFinish finish)
    {
        int w = region.Width, h = region.Height, plane = w * h;
        var r = new float[plane];
        var g = new float[plane];
        var b = new float[plane];
        var ids = new int[plane];
        float invW = 1f / sceneWidth, invH = 1f / sceneHeight, pixel = 1f / Math.Max(sceneWidth, sceneHeight);

        for (int y = 0; y < h; y++)
        {
            float ny = (region.Y + y + 0.5f) * invH;
            for (int x = 0; x < w; x++)
            {
                var c = background.Sample((region.X + x + 0.5f) * invW, ny, pixel);
                int i = y * w + x;
                r[i] = c.R;
                g[i] = c.G;
                b[i] = c.B;
            }
        }

        var canvas = new Canvas(region, r, g, b, ids);
        for (int k = 0; k < objects.Count; k++)
        {
            var obj = objects[k];
            if (obj.Shadow is { } shadow) DrawShadow(obj, shadow, canvas);
            DrawObject(obj, k + 1, canvas, colour: true);
        }

        var image = new HostImage(3, h, w);
        var data = image.Data;
        for (int y = 0; y < h; y++)
        {
            int sy = region.Y + y;
            for (int x = 0; x < w; x++)
            {
                int i = y * w + x, sx = region.X + x;
                var c = finish.Apply(new Rgb(r[i], g[i], b[i]), sx, sy, (sx + 0.5f) * invW, (sy + 0.5f) * invH);
                data[i] = Math.Clamp(c.R, 0f, 1f);
                data[plane + i] = Math.Clamp(c.G, 0f, 1f);
                data[2 * plane + i] = Math.Clamp(c.B, 0f, 1f);
            }
        }
        return new RenderedScene(image, ids, objects.Count);
    }

    /// <summary>Only the instance map of the whole scene (no colour): the cheap pass that finds boxes.</summary>
    public static int[] InstanceMap(int width, int height, IReadOnlyList<PlacedBlob> objects)
    {
        var ids = new int[width * height];
        var canvas = new Canvas(new Region(0, 0, width, height), null, null, null, ids);
        for (int k = 0; k < objects.Count; k++) DrawObject(objects[k], k + 1, canvas, colour: false);
        return ids;
    }

    public static HostImage Foreground(int[] instanceMap, int height, int width)
    {
        var mask = new HostImage(1, height, width);
        for (int i = 0; i < instanceMap.Length; i++) mask.Data[i] = instanceMap[i] > 0 ? 1f : 0f;
        return mask;
    }

    /// <summary>The pixels being drawn: a region of the scene, colour planes optional.</summary>
    private sealed record Canvas(Region Region, float[]? R, float[]? G, float[]? B, int[] Ids)
    {
        /// <summary>Scene-pixel bounds of a disc, clipped to the region.</summary>
        public (int X0, int Y0, int X1, int Y1) Clip(float cx, float cy, float radius) =>
            (Math.Max(Region.X, (int)MathF.Floor(cx - radius - 1)), Math.Max(Region.Y, (int)MathF.Floor(cy - radius - 1)),
             Math.Min(Region.X + Region.Width, (int)MathF.Ceiling(cx + radius + 1)), Math.Min(Region.Y + Region.Height, (int)MathF.Ceiling(cy + radius + 1)));

        public int Index(int sceneX, int sceneY) => (sceneY - Region.Y) * Region.Width + (sceneX - Region.X);
    }

    private static void DrawObject(PlacedBlob obj, int id, Canvas canvas, bool colour)
    {
        var (x0, y0, x1, y1) = canvas.Clip(obj.CenterX, obj.CenterY, obj.PixelRadius);
        float pixelSize = 1f / obj.Scale; // one pixel in local units
        // Local-frame steps for one pixel along x and y (for supersampling).
        float ux = obj.Cos / obj.Scale, vx = -obj.Sin / obj.Scale, uy = obj.Sin / obj.Scale, vy = obj.Cos / obj.Scale;
        for (int y = y0; y < y1; y++)
        {
            for (int x = x0; x < x1; x++)
            {
                var (u, v) = obj.ToLocal(x + 0.5f, y + 0.5f);
                float distance = obj.Shape.Evaluate(u, v, out float depth, out float nx, out float ny) * obj.Scale;
                if (distance < -CertainDistance) continue;
                float coverage = distance > CertainDistance ? 1f : Coverage(obj.Shape, u, v, ux, vx, uy, vy);
                if (coverage <= 0f) continue;
                int i = canvas.Index(x, y);
                if (coverage >= 0.5f) canvas.Ids[i] = id;
                if (!colour) continue;
                var c = obj.Look.Shade(u, v, depth, nx, ny, pixelSize, obj.Cos, obj.Sin).Times(obj.Gains);
                canvas.R![i] += (c.R - canvas.R[i]) * coverage;
                canvas.G![i] += (c.G - canvas.G[i]) * coverage;
                canvas.B![i] += (c.B - canvas.B[i]) * coverage;
            }
        }
    }

    /// <summary>Fraction of a 4x4 grid of sub-pixel samples that fall inside the shape.</summary>
    private static float Coverage(BlobShape shape, float u, float v, float ux, float vx, float uy, float vy)
    {
        int inside = 0;
        for (int sy = 0; sy < SubSamples; sy++)
        {
            float oy = (sy + 0.5f) / SubSamples - 0.5f;
            for (int sx = 0; sx < SubSamples; sx++)
            {
                float ox = (sx + 0.5f) / SubSamples - 0.5f;
                if (shape.Inside(u + ox * ux + oy * uy, v + ox * vx + oy * vy)) inside++;
            }
        }
        return inside / (float)(SubSamples * SubSamples);
    }

    private static void DrawShadow(PlacedBlob obj, DropShadow shadow, Canvas canvas)
    {
        float cx = obj.CenterX + shadow.OffsetX, cy = obj.CenterY + shadow.OffsetY;
        var (x0, y0, x1, y1) = canvas.Clip(cx, cy, obj.PixelRadius + shadow.Softness);
        for (int y = y0; y < y1; y++)
        {
            for (int x = x0; x < x1; x++)
            {
                var (u, v) = obj.ToLocal(x + 0.5f - shadow.OffsetX, y + 0.5f - shadow.OffsetY);
                float distance = obj.Shape.Evaluate(u, v, out _, out _, out _) * obj.Scale;
                float alpha = Math.Clamp(0.5f + distance / shadow.Softness, 0f, 1f) * shadow.Strength;
                if (alpha <= 0f) continue;
                int i = canvas.Index(x, y);
                float keep = 1f - alpha;
                canvas.R![i] *= keep;
                canvas.G![i] *= keep;
                canvas.B![i] *= keep;
            }
        }
    }
}
