using KernelGan.Gan.Segmentation;
using Xunit;

namespace KernelGan.Tests.Segmentation;

public class GeometricJitterTests
{
    private const int Size = 32, Plane = Size * Size;

    private static float[] Disc(float radius)
    {
        var mask = new float[Plane];
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
            {
                float dx = x + 0.5f - Size / 2f, dy = y + 0.5f - Size / 2f;
                mask[y * Size + x] = dx * dx + dy * dy <= radius * radius ? 1f : 0f;
            }
        return mask;
    }

    [Fact]
    public void MirrorReflectsAboutBothEdges()
    {
        int[] expected = [3, 2, 1, 0, 0, 1, 2, 3, 3, 2, 1, 0, 0];
        for (int i = -4; i <= 8; i++) Assert.Equal(expected[i + 4], GeometricJitter.Mirror(i, 4));
        Assert.Equal(3, GeometricJitter.Mirror(-5, 4));
    }

    [Fact]
    public void AWholePixelShiftMovesPixelsExactlyAndMirrorsTheEdge()
    {
        var random = new Random(2);
        var plane = Enumerable.Range(0, Plane).Select(_ => (float)random.NextDouble()).ToArray();
        var moved = plane.ToArray();
        GeometricJitter.Warp(moved, 1, Size, zoom: 1f, shiftX: 2f, shiftY: -3f);
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
                Assert.Equal(plane[GeometricJitter.Mirror(y + 3, Size) * Size + GeometricJitter.Mirror(x - 2, Size)], moved[y * Size + x]);
    }

    [Fact]
    public void AQuarterTurnPermutesPixels()
    {
        var random = new Random(3);
        var plane = Enumerable.Range(0, Plane).Select(_ => (float)random.NextDouble()).ToArray();
        var turned = plane.ToArray();
        GeometricJitter.Warp(turned, 1, Size, zoom: 1f, shiftX: 0f, shiftY: 0f, angle: MathF.PI / 2);
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
                Assert.True(MathF.Abs(plane[(Size - 1 - x) * Size + y] - turned[y * Size + x]) < 1e-4f, $"pixel ({x}, {y})");
    }

    [Theory]
    [InlineData(1.6f)]
    [InlineData(0.7f)] // small enough that no mirrored copy of the disc comes into view
    public void ZoomScalesACentredDiscsAreaByTheSquare(float zoom)
    {
        var mask = Disc(6f);
        float before = mask.Sum();
        GeometricJitter.Warp(mask, 1, Size, zoom, 0f, 0f);
        float after = mask.Sum(m => m >= 0.5f ? 1f : 0f);
        Assert.InRange(after / before, 0.85f * zoom * zoom, 1.15f * zoom * zoom);
    }

    [Fact]
    public void ImageAndMaskMoveTogetherAndTheMaskStaysBinary()
    {
        var jitter = new GeometricJitter(1.5f, 0.1f, 30f);
        var random = new Random(7);
        for (int trial = 0; trial < 20; trial++)
        {
            var mask = Disc(5f + trial % 5);
            // Each image channel is the mask mapped to [-1, 1]: after the same warp its sign must match the mask.
            var image = new float[3 * Plane];
            for (int c = 0; c < 3; c++)
                for (int p = 0; p < Plane; p++) image[c * Plane + p] = 2f * mask[p] - 1f;
            jitter.Apply(image, mask, Size, random);
            for (int p = 0; p < Plane; p++)
            {
                Assert.True(mask[p] is 0f or 1f, $"mask value {mask[p]} at {p}");
                for (int c = 0; c < 3; c++)
                    if (MathF.Abs(image[c * Plane + p]) > 1e-5f) Assert.Equal(image[c * Plane + p] > 0f, mask[p] == 1f);
            }
        }
    }

    [Fact]
    public void DrawsDifferentTransformsAndNoneChangesNothing()
    {
        var random = new Random(1);
        var areas = new HashSet<float>();
        for (int trial = 0; trial < 10; trial++)
        {
            var mask = Disc(6f);
            new GeometricJitter(1.5f, 0.1f).Apply(new float[3 * Plane], mask, Size, random);
            areas.Add(mask.Sum());
        }
        Assert.True(areas.Count >= 5, $"only {areas.Count} distinct areas in 10 draws");

        var untouched = Disc(6f);
        new GeometricJitter(1f, 0f).Apply(new float[3 * Plane], untouched, Size, random);
        Assert.Equal(Disc(6f), untouched);
    }

    [Fact]
    public void RejectsZoomBelowOneAndShiftOfHalfTheImage()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new GeometricJitter(0.9f, 0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GeometricJitter(1.2f, 0.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GeometricJitter(1.2f, 0.1f, -5f));
    }
}
