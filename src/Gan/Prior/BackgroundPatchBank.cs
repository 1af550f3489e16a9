using KernelGan.Gan.Data;

namespace KernelGan.Gan.Prior;

/// <summary>
/// Real background for the background provider's own critic (<see cref="BackgroundAdversary"/>):
/// with box-level data every pixel outside the boxes is background for certain, so square windows
/// of each training scene that overlap none of its boxes are pictures of background alone. A
/// window is as large as the crops the scene's boxes are cut with, where one fits, so its texture
/// has the scale the composite's background needs; smaller where none fits, down to
/// <see cref="MinimumSideFraction"/> of that. Each is resized to the canvas and kept in memory.
/// </summary>
public sealed class BackgroundPatchBank
{
    /// <summary>The bank's cap: enough variety for a few thousand steps, and at 32 px 48 MiB.</summary>
    public const int MaxPatches = 4096;

    /// <summary>Smallest window tried, as a fraction of the scene's crop side (and never under 8 px).</summary>
    public const double MinimumSideFraction = 0.4;

    private readonly float[][] _patches;

    private BackgroundPatchBank(float[][] patches, int size, int scenes, int scenesWithout)
    {
        _patches = patches;
        Size = size;
        Scenes = scenes;
        ScenesWithoutBackground = scenesWithout;
    }

    /// <summary>Side of every patch (the canvas).</summary>
    public int Size { get; }
    public int Count => _patches.Length;
    public int Scenes { get; }

    /// <summary>Scenes where no box-free window of even the smallest size was found.</summary>
    public int ScenesWithoutBackground { get; }

    /// <summary>
    /// Up to <paramref name="perScene"/> box-free windows of every distinct scene in
    /// <paramref name="data"/> (items cut around boxes; items of one scene share its name before
    /// '#'), resized to <paramref name="size"/>, in [-1, 1] as the GAN's real images are.
    /// </summary>
    public static BackgroundPatchBank Build(IFullImageDataset data, int size, ulong seed, int perScene = 4)
    {
        var scenes = Enumerable.Range(0, data.Count).GroupBy(i => SceneNames.SceneOf(data.Name(i))).ToList();
        int take = Math.Clamp(MaxPatches / Math.Max(1, scenes.Count), 1, perScene);
        var rng = new Random(unchecked((int)seed) ^ 0x5bd1e995);
        var patches = new List<float[]>();
        int without = 0;
        foreach (var scene in scenes)
        {
            var boxes = scene.Select(data.Box).OfType<BoxAnnotation>().ToList();
            if (boxes.Count == 0) continue;
            var (width, height) = data.FullSize(scene.First());
            int cropSide = boxes.Max(b => b.Window().Side);
            var windows = BoxFreeWindows(width, height, boxes, cropSide, take, rng);
            if (windows.Count == 0) { without++; continue; }
            var image = data.FullImage(scene.First());
            foreach (var window in windows)
            {
                var patch = ImageOps.Resize(ImageOps.Crop(image, window, OutsideFill.EdgeReplicate), size);
                var values = new float[patch.Data.Length];
                patch.ToMinusOneOne(values);
                patches.Add(values);
            }
            if (patches.Count >= MaxPatches) break;
        }
        return new BackgroundPatchBank([.. patches], size, scenes.Count, without);
    }

    /// <summary>A bank of given background pictures ([0, 1], 3 channels, one square size), e.g. from elsewhere than box-level scenes.</summary>
    public static BackgroundPatchBank FromImages(IReadOnlyList<HostImage> images)
    {
        if (images.Count == 0) throw new ArgumentException("a background patch bank needs at least one picture");
        int size = images[0].Height;
        if (images.Any(i => i.Channels != 3 || i.Height != size || i.Width != size))
            throw new ArgumentException($"background pictures must all be 3 x {size} x {size}");
        var patches = images.Select(i => { var v = new float[i.Data.Length]; i.ToMinusOneOne(v); return v; }).ToArray();
        return new BackgroundPatchBank(patches, size, images.Count, 0);
    }

    /// <summary>
    /// Up to <paramref name="count"/> square windows inside a <paramref name="width"/> x
    /// <paramref name="height"/> scene that overlap none of <paramref name="boxes"/> (each box
    /// taken to whole pixels, rounded outward): of side <paramref name="targetSide"/> (or the
    /// scene's shorter side) where any fits, else the largest of a shrinking series that does.
    /// </summary>
    public static List<CropWindow> BoxFreeWindows(int width, int height, IReadOnlyList<BoxAnnotation> boxes, int targetSide, int count, Random rng)
    {
        var covered = CoverageSums(width, height, boxes);
        int smallest = Math.Max(8, (int)(targetSide * MinimumSideFraction));
        for (int side = Math.Min(targetSide, Math.Min(width, height)); side >= smallest; side = side * 4 / 5)
        {
            // Every free position on a grid fine enough to find narrow gaps (a stride of 1/8 of the
            // side), then `count` of them at random: rejection sampling would miss a thin free strip.
            int stride = Math.Max(1, side / 8);
            var free = new List<CropWindow>();
            for (int y = 0; y + side <= height; y = NextPosition(y, stride, height - side))
                for (int x = 0; x + side <= width; x = NextPosition(x, stride, width - side))
                    if (covered[(y + side) * (width + 1) + x + side] - covered[y * (width + 1) + x + side]
                        - covered[(y + side) * (width + 1) + x] + covered[y * (width + 1) + x] == 0)
                        free.Add(new CropWindow(x, y, side));
            if (free.Count == 0) continue;
            // A partial Fisher-Yates shuffle: `count` distinct positions (or all there are).
            for (int i = 0; i < Math.Min(count, free.Count); i++)
            {
                int j = i + rng.Next(free.Count - i);
                (free[i], free[j]) = (free[j], free[i]);
            }
            return free.Take(count).ToList();
        }
        return [];
    }

    /// <summary>The next position on the stride's grid, with the last one (<paramref name="last"/>) always visited.</summary>
    private static int NextPosition(int position, int stride, int last) =>
        position == last ? last + 1 : Math.Min(position + stride, last);

    /// <summary>Summed-area table [(H+1) x (W+1)] of pixels inside any box (each box taken to whole pixels, rounded outward).</summary>
    private static int[] CoverageSums(int width, int height, IReadOnlyList<BoxAnnotation> boxes)
    {
        var inside = new bool[width * height];
        foreach (var b in boxes)
        {
            int x0 = Math.Max(0, (int)Math.Floor(b.X)), y0 = Math.Max(0, (int)Math.Floor(b.Y));
            int x1 = Math.Min(width, (int)Math.Ceiling(b.X + b.Width)), y1 = Math.Min(height, (int)Math.Ceiling(b.Y + b.Height));
            for (int y = y0; y < y1; y++) inside.AsSpan(y * width + x0, Math.Max(0, x1 - x0)).Fill(true);
        }
        var sums = new int[(width + 1) * (height + 1)];
        for (int y = 0; y < height; y++)
        {
            int row = 0;
            for (int x = 0; x < width; x++)
            {
                row += inside[y * width + x] ? 1 : 0;
                sums[(y + 1) * (width + 1) + x + 1] = sums[y * (width + 1) + x + 1] + row;
            }
        }
        return sums;
    }

    /// <summary>
    /// A batch [N * 3 * Size * Size] of patches drawn with replacement, each mirrored left-right at
    /// random; the same <paramref name="seed"/> and <paramref name="step"/> give the same batch,
    /// so a resumed run draws what it would have drawn.
    /// </summary>
    public float[] Batch(int batch, ulong seed, long step)
    {
        // A fixed mix (HashCode.Combine is randomized per process): the same batch in every process.
        ulong h = seed * 0x9E3779B97F4A7C15UL + (ulong)step;
        h = (h ^ (h >> 31)) * 0xBF58476D1CE4E5B9UL;
        var rng = new Random((int)((h ^ (h >> 29)) & 0x7fffffff));
        int each = 3 * Size * Size;
        var result = new float[batch * each];
        for (int n = 0; n < batch; n++)
        {
            var patch = _patches[rng.Next(_patches.Length)];
            var target = result.AsSpan(n * each, each);
            patch.CopyTo(target);
            if (rng.Next(2) != 0) ImageOps.FlipHorizontalInPlace(target, 3, Size, Size);
        }
        return result;
    }
}
