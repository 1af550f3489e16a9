using KernelGan.Gan.Prior;
using KernelGan.Kernels;
using KernelGan.Tests.Engine;
using Xunit;

namespace KernelGan.Tests.Prior;

/// <summary>The layout module's pose parametrization: its geometry, and gradients through grid sampling.</summary>
public class PoseGradientTests
{
    private static readonly PoseRanges Full = new(0.4f, 1.1f, 0.6f, 180f, MaxLogAspect: 0.3f, MaxShear: 0.25f);
    private static readonly PoseRanges Limited = new(0.5f, 1.2f, 0.2f, 30f, MaxLogAspect: 0.3f, MaxShear: 0.2f);

    public static TheoryData<string> RangeNames => new() { "full", "limited" };

    private static PoseRanges Ranges(string name) => name == "full" ? Full : Limited;

    /// <summary>
    /// Raw poses whose sampling points all sit at least 0.03 pixels from a whole pixel coordinate
    /// (bilinear sampling has a kink there, where finite differences are meaningless) and mostly
    /// inside the canonical image, so the check exercises real interpolation. Found by a fixed
    /// search, so the test is deterministic.
    /// </summary>
    private static float[] SmoothPoint(PoseRanges ranges, int outSize, int inSize)
    {
        var r = new Random(11);
        for (int attempt = 0; attempt < 2000; attempt++)
        {
            var raw = Enumerable.Range(0, 2 * AffinePose.RawDims).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
            using var scope = new TensorScope();
            var grid = Ops.AffineGrid(AffinePose.Theta(Tensor.FromArray(raw, 2, AffinePose.RawDims), ranges), outSize, outSize).ToArray();
            var pixels = grid.Select(v => SamplingMath.Unnormalize(v, inSize, false)).ToArray();
            bool clear = pixels.All(p => Math.Abs(p - MathF.Round(p)) > 0.03f);
            int inside = pixels.Count(p => p > 0.2f && p < inSize - 1.2f);
            if (clear && inside > pixels.Length * 0.6) return raw;
        }
        throw new InvalidOperationException("no smooth test pose found");
    }

    [Theory]
    [MemberData(nameof(RangeNames))]
    public void GridSampleBackwardMatchesFiniteDifferencesThroughThePose(string rangesName)
    {
        var ranges = Ranges(rangesName);
        var raw = Tensor.FromArray(SmoothPoint(ranges, 5, 6), 2, AffinePose.RawDims);
        var image = GradCheck.Random([2, 4, 6, 6], 71);
        GradCheck.Check($"pose ({rangesName}) -> theta -> grid -> sample",
            x => Ops.GridSample(x[1], Ops.AffineGrid(AffinePose.Theta(x[0], ranges), 5, 5)),
            [raw, image], eps: 1e-3f, atol: 5e-3, rtol: 5e-2);
    }

    [Fact]
    public void ThetaInvertsThePlacement()
    {
        // Decode by hand: with raw zero except a few coordinates, placement p = A q + t must be
        // t at the frame's centre, and theta must send p back to q.
        var raw = new float[AffinePose.RawDims];
        raw[0] = 0.3f; raw[1] = -0.5f; raw[2] = 0.4f; raw[3] = 0.8f; raw[4] = -1.1f; raw[5] = 0.7f; raw[6] = -0.2f;
        using var scope = new TensorScope();
        var pose = AffinePose.Decode(Tensor.FromArray(raw, 1, AffinePose.RawDims), Full);
        var theta = AffinePose.Theta(pose).ToArray();
        float s = pose.Scale.Item(), a = pose.Aspect.Item(), k = pose.Shear.Item(), c = pose.Cos.Item(), sn = pose.Sin.Item();
        float tx = pose.Tx.Item(), ty = pose.Ty.Item();
        Assert.InRange(s, Full.MinScale, Full.MaxScale);
        Assert.Equal(1f, c * c + sn * sn, 4);
        Assert.Equal(-1.1f / MathF.Sqrt(0.8f * 0.8f + 1.1f * 1.1f), sn, 4); // the direction (u, v) normalized
        // A = R * s * [[a, k], [0, 1/a]]
        float m00 = s * a, m01 = s * k, m11 = s / a;
        float a00 = c * m00, a01 = c * m01 - sn * m11, a10 = sn * m00, a11 = sn * m01 + c * m11;
        foreach (var (qx, qy) in new[] { (0f, 0f), (1f, -1f), (-0.3f, 0.6f) })
        {
            float px = a00 * qx + a01 * qy + tx, py = a10 * qx + a11 * qy + ty;
            Assert.Equal(qx, theta[0] * px + theta[1] * py + theta[2], 4);
            Assert.Equal(qy, theta[3] * px + theta[4] * py + theta[5], 4);
        }
        var placement = AffinePose.Placement(theta);
        Assert.Equal(tx, placement.Tx, 4);
        Assert.Equal(ty, placement.Ty, 4);
        Assert.Equal(a01, placement.A01, 4);
    }

    [Fact]
    public void LimitedRotationStaysInItsRange()
    {
        using var scope = new TensorScope();
        var raw = new float[4 * AffinePose.RawDims];
        for (int i = 0; i < 4; i++) raw[i * AffinePose.RawDims + 3] = new[] { -20f, -1f, 0.5f, 20f }[i];
        var pose = AffinePose.Decode(Tensor.FromArray(raw, 4, AffinePose.RawDims), Limited);
        var angles = pose.Sin.ToArray().Zip(pose.Cos.ToArray(), (s, c) => MathF.Atan2(s, c) * 180f / MathF.PI).ToArray();
        Assert.All(angles, d => Assert.InRange(d, -30.0001f, 30.0001f));
        Assert.True(angles[0] < -29.9f && angles[3] > 29.9f, "saturated inputs reach the range's ends");
    }
}
