using KernelGan.Kernels;
using Xunit;

namespace KernelGan.Tests.Engine;

/// <summary>The CPU backend's blocked/SIMD kernels against plain loops written from the definitions.</summary>
public class KernelReferenceTests
{
    private static readonly IBackend Cpu = Device.Cpu;

    private static float[] RandomArray(int n, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
    }

    private static void AssertClose(float[] expected, float[] actual, float tol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * (1 + Math.Abs(expected[i])),
                $"{what}: [{i}] expected {expected[i]} got {actual[i]}");
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(7, 5, 3)]
    [InlineData(6, 32, 256)]
    [InlineData(13, 67, 300)]
    [InlineData(100, 129, 257)]
    [InlineData(200, 40, 513)]
    [InlineData(37, 1, 70)]      // one column: matrix-vector path
    [InlineData(1, 45, 70)]      // one row: matrix-vector path
    [InlineData(9, 2100, 20)]    // wider than one NC block
    public void GemmMatchesNaiveForAllLayouts(int m, int n, int k)
    {
        foreach (bool ta in new[] { false, true })
        foreach (bool tb in new[] { false, true })
        foreach (float beta in new[] { 0f, 0.5f })
        {
            var a = RandomArray(m * k, 1);
            var b = RandomArray(k * n, 2);
            var c = RandomArray(m * n, 3);
            var expected = new float[m * n];
            for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                    s += (double)(ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
                expected[i * n + j] = (float)(1.5 * s + beta * c[i * n + j]);
            }
            var ta_ = Tensor.FromArray(a, m * k);
            var tb_ = Tensor.FromArray(b, k * n);
            var tc = Tensor.FromArray(c, m * n);
            Cpu.Gemm(ta, tb, m, n, k, 1.5f, ta_.Buffer, 0, ta ? m : k, 0, tb_.Buffer, 0, tb ? k : n, 0, beta, tc.Buffer, 0, n, 0);
            AssertClose(expected, tc.ToArray(), 1e-4f, $"gemm {m}x{n}x{k} ta={ta} tb={tb} beta={beta}");
        }
    }

    [Fact]
    public void BatchedGemmWithOffsetsAndStrides()
    {
        int m = 5, n = 9, k = 4, batch = 3;
        var a = RandomArray(2 + batch * m * k, 4);
        var b = RandomArray(1 + batch * k * n, 5);
        var expected = new float[batch * m * n];
        for (int t = 0; t < batch; t++)
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            double s = 0;
            for (int p = 0; p < k; p++) s += (double)a[2 + t * m * k + i * k + p] * b[1 + t * k * n + p * n + j];
            expected[t * m * n + i * n + j] = (float)s;
        }
        var tc = Tensor.Zeros(batch * m * n);
        Cpu.Gemm(false, false, m, n, k, 1f, Tensor.FromArray(a, a.Length).Buffer, 2, k, m * k,
                 Tensor.FromArray(b, b.Length).Buffer, 1, n, k * n, 0f, tc.Buffer, 0, n, m * n, batch);
        AssertClose(expected, tc.ToArray(), 1e-5f, "batched gemm");
    }

    [Fact]
    public void GemmWithZeroBetaIgnoresNaNInOutput()
    {
        var c = Tensor.Full([4], float.NaN);
        Cpu.Gemm(false, false, 2, 2, 1, 1f, Tensor.Ones(2).Buffer, 0, 1, 0, Tensor.Ones(2).Buffer, 0, 2, 0, 0f, c.Buffer, 0, 2, 0);
        Assert.Equal([1f, 1f, 1f, 1f], c.ToArray());
    }

    // (n, cin, h, cout, k, stride, pad). Besides plain geometries, each case below drives a path of
    // the CPU kernels: see the comments.
    public static TheoryData<int, int, int, int, int, int, int> ConvCases => new()
    {
        { 2, 3, 9, 5, 3, 1, 1 },
        { 3, 4, 16, 8, 4, 2, 1 },      // doubling k4 s2 p1, 8x8 maps: 8-lane gather fold
        { 2, 5, 7, 3, 1, 1, 0 },       // 1x1 kernel, 49-pixel maps: dense output tile
        { 1, 2, 6, 4, 4, 1, 0 },
        { 2, 3, 8, 2, 3, 2, 0 },
        { 3, 5, 4, 7, 4, 1, 0 },       // kernel covers the input: fully connected path
        { 2, 3, 1, 6, 1, 1, 0 },       // 1x1 input and kernel: fully connected path
        { 5, 12, 8, 20, 4, 2, 1 },     // 4x4 maps: tiles straddle images, 4-lane gather fold; uneven split between cores (weight grad by images)
        { 3, 8, 32, 10, 4, 2, 1 },     // 16x16 maps: vector fold
        { 2, 40, 16, 150, 4, 2, 1 },   // K = 640 (several KC blocks), Cout > MC, channel runs of 40
        { 40, 3, 8, 5, 4, 2, 1 },      // many images: several groups per core; narrow weight grad split by images
        { 2, 3, 9, 4, 3, 2, 1 },       // odd size, 5x5 maps: dense output tile, generic fold
        { 2, 2, 10, 3, 3, 3, 1 },      // stride 3: three phases per axis
        { 2, 3, 9, 4, 4, 2, 1 },       // k4 s2 p1 on an odd size: not doubling, generic fold
        { 2, 3, 12, 5, 4, 2, 1 },      // doubling with 6x6 maps: scalar gather fold
        { 2, 16, 8, 24, 4, 2, 1 },     // 16 input channels: weight gradient permuted by 8x16 transposes
        { 1, 3, 48, 4, 4, 2, 1 },      // doubling with 24x24 maps: 8-lane fold on AVX2, scalar on AVX-512
        { 3, 48, 16, 16, 3, 1, 1 },    // a U-Net block: stride-1 data gradient as the flipped kernel's forward pass
        { 2, 4, 10, 6, 3, 1, 0 },      // stride 1, valid: the data gradient pads by 2
        { 2, 3, 8, 5, 5, 1, 2 },       // stride 1, 5x5 same
        { 4, 64, 4, 256, 4, 2, 1 },    // a 2^18-float weight gradient: split by columns, not images
        { 2, 3, 9, 12, 3, 1, 1 },      // weights packed by 8x16 transposes, then a tail: K = 27, a full row strip and a partial one
    };

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void ConvKernelsMatchDirectLoops(int n, int cin, int h, int cout, int k, int s, int p)
    {
        var g = ConvGeometry.Square(n, cin, h, cout, k, s, p);
        var x = RandomArray(g.InputSize, 6);
        var w = RandomArray(g.WeightSize, 7);
        var bias = RandomArray(cout, 8);
        var gy = RandomArray(g.OutputSize, 9);
        var y = new float[g.OutputSize];
        var gx = new float[g.InputSize];
        var gw = new float[g.WeightSize];
        var gb = new float[cout];
        // Direct definition: every (output, weight tap) pair, with zero padding.
        for (int b = 0; b < n; b++)
        for (int co = 0; co < cout; co++)
        for (int oh = 0; oh < g.Hout; oh++)
        for (int ow = 0; ow < g.Wout; ow++)
        {
            int yi = ((b * cout + co) * g.Hout + oh) * g.Wout + ow;
            double acc = bias[co];
            for (int ci = 0; ci < cin; ci++)
            for (int ki = 0; ki < k; ki++)
            for (int kj = 0; kj < k; kj++)
            {
                int ih = oh * s - p + ki, iw = ow * s - p + kj;
                if (ih < 0 || iw < 0 || ih >= h || iw >= h) continue;
                int xi = ((b * cin + ci) * h + ih) * h + iw, wi = ((co * cin + ci) * k + ki) * k + kj;
                acc += x[xi] * w[wi];
                gx[xi] += gy[yi] * w[wi];
                gw[wi] += gy[yi] * x[xi];
            }
            y[yi] = (float)acc;
            gb[co] += gy[yi];
        }
        var tx = Tensor.FromArray(x, g.InputSize);
        var tw = Tensor.FromArray(w, g.WeightSize);
        var tgy = Tensor.FromArray(gy, g.OutputSize);
        var ty = Tensor.Empty([g.OutputSize]);
        var tgx = Tensor.Empty([g.InputSize]);
        var tgw = Tensor.Empty([g.WeightSize]);
        var tgb = Tensor.Empty([cout]);
        Cpu.Conv2dForward(g, tx.Buffer, tw.Buffer, Tensor.FromArray(bias, cout).Buffer, ty.Buffer);
        Cpu.Conv2dBackwardData(g, tgy.Buffer, tw.Buffer, tgx.Buffer);
        Cpu.Conv2dBackwardWeight(g, tx.Buffer, tgy.Buffer, tgw.Buffer, tgb.Buffer);
        AssertClose(y, ty.ToArray(), 1e-4f, $"conv forward {g}");
        AssertClose(gx, tgx.ToArray(), 1e-4f, $"conv data grad {g}");
        AssertClose(gw, tgw.ToArray(), 1e-4f, $"conv weight grad {g}");
        AssertClose(gb, tgb.ToArray(), 1e-4f, $"conv bias grad {g}");
    }

    [Theory]
    [InlineData(2, 3, 37)]   // two vectors and a tail per plane
    [InlineData(3, 1, 5)]    // tail only
    public void CompositeBackwardMatchesDefinition(int n, int c, int hw)
    {
        var m = RandomArray(n * hw, 20).Select(v => 0.5f + 0.5f * v).ToArray();
        var fg = RandomArray(n * c * hw, 21);
        var bg = RandomArray(n * c * hw, 22);
        var gy = RandomArray(n * c * hw, 23);
        var gm = new float[n * hw];
        var gfg = new float[n * c * hw];
        var gbg = new float[n * c * hw];
        for (int s = 0; s < n; s++)
        for (int ch = 0; ch < c; ch++)
        for (int i = 0; i < hw; i++)
        {
            int o = (s * c + ch) * hw + i;
            gm[s * hw + i] += gy[o] * (fg[o] - bg[o]);
            gfg[o] = gy[o] * m[s * hw + i];
            gbg[o] = gy[o] * (1 - m[s * hw + i]);
        }
        var tm = Tensor.FromArray(m, m.Length);
        var tf = Tensor.FromArray(fg, fg.Length);
        var tb = Tensor.FromArray(bg, bg.Length);
        var tg = Tensor.FromArray(gy, gy.Length);
        var (om, of, ob) = (Tensor.Full([gm.Length], float.NaN), Tensor.Empty([gfg.Length]), Tensor.Empty([gbg.Length]));
        Cpu.CompositeBackward(tm.Buffer, tf.Buffer, tb.Buffer, tg.Buffer, om.Buffer, of.Buffer, ob.Buffer, n, c, hw);
        AssertClose(gm, om.ToArray(), 1e-6f, "composite d/dm");
        AssertClose(gfg, of.ToArray(), 1e-6f, "composite d/dfg");
        AssertClose(gbg, ob.ToArray(), 1e-6f, "composite d/dbg");
        var onlyMask = Tensor.Full([gm.Length], float.NaN);
        Cpu.CompositeBackward(tm.Buffer, tf.Buffer, tb.Buffer, tg.Buffer, onlyMask.Buffer, null, null, n, c, hw);
        AssertClose(gm, onlyMask.ToArray(), 1e-6f, "composite d/dm alone");
    }

    [Theory]
    [InlineData(4, 53)]   // three vectors and a tail per row
    [InlineData(3, 7)]    // tail only
    public void RowL1BackwardMatchesDefinition(int n, int d)
    {
        var x = RandomArray(n * d, 24);
        var y = RandomArray(n * d, 25);
        y[3] = x[3 + d]; // an exact tie (with perm 0 <- 1): sign(0) = 0
        var gOut = RandomArray(n, 26);
        int[] perm = Enumerable.Range(0, n).Select(i => (i + 1) % n).ToArray();
        var gx = new float[n * d];
        var gy = new float[n * d];
        for (int r = 0; r < n; r++)
        for (int j = 0; j < d; j++)
        {
            float diff = x[perm[r] * d + j] - y[r * d + j];
            float g = Math.Sign(diff) * gOut[r] / d;
            gx[perm[r] * d + j] = g;
            gy[r * d + j] = -g;
        }
        var tgx = Tensor.Empty([n * d]);
        var tgy = Tensor.Empty([n * d]);
        using var p = Cpu.UploadIndices(perm);
        Cpu.RowL1DistanceBackward(Tensor.FromArray(x, n * d).Buffer, Tensor.FromArray(y, n * d).Buffer, p,
                                  Tensor.FromArray(gOut, n).Buffer, tgx.Buffer, tgy.Buffer, n, d);
        AssertClose(gx, tgx.ToArray(), 1e-6f, "row-l1 d/dx");
        AssertClose(gy, tgy.ToArray(), 1e-6f, "row-l1 d/dy");
    }

    [Theory]
    [InlineData(3, 2, 37)]
    [InlineData(32, 3, 16)]
    public void BatchNormForwardMatchesDefinition(int n, int c, int hw)
    {
        // Far from zero with a small spread, where a naive sum-of-squares variance loses its digits.
        var x = RandomArray(n * c * hw, 27).Select(v => 100f + 0.01f * v).ToArray();
        var gamma = new[] { 1.5f, 0.5f, 2f }.Take(c).ToArray();
        var beta = new[] { 0.1f, -0.2f, 0.3f }.Take(c).ToArray();
        var ty = Tensor.Empty([x.Length]);
        var (mean, invStd) = (Tensor.Empty([c]), Tensor.Empty([c]));
        var (runMean, runVar) = (Tensor.Zeros(c), Tensor.Ones(c));
        Cpu.BatchNormForwardTrain(Tensor.FromArray(x, x.Length).Buffer, Tensor.FromArray(gamma, c).Buffer, Tensor.FromArray(beta, c).Buffer,
                                  ty.Buffer, mean.Buffer, invStd.Buffer, runMean.Buffer, runVar.Buffer, n, c, hw, 1e-5f, 0.1f);
        var y = ty.ToArray();
        for (int ch = 0; ch < c; ch++)
        {
            var values = Enumerable.Range(0, n).SelectMany(s => Enumerable.Range(0, hw).Select(i => (double)x[(s * c + ch) * hw + i])).ToArray();
            double m = values.Average(), v = values.Sum(e => (e - m) * (e - m)) / values.Length;
            double unbiased = v * values.Length / (values.Length - 1);
            Assert.Equal(m, mean.ToArray()[ch], 1e-4);
            Assert.Equal(1 / Math.Sqrt(v + 1e-5), invStd.ToArray()[ch], 1e-2 / Math.Sqrt(v + 1e-5));
            Assert.Equal(0.1 * m, runMean.ToArray()[ch], 1e-4);
            Assert.Equal(0.9 + 0.1 * unbiased, runVar.ToArray()[ch], 1e-6);
            for (int s = 0; s < n; s++)
            for (int i = 0; i < hw; i++)
            {
                int o = (s * c + ch) * hw + i;
                double expected = (x[o] - m) / Math.Sqrt(v + 1e-5) * gamma[ch] + beta[ch];
                Assert.True(Math.Abs(expected - y[o]) < 2e-2, $"bn y[{o}] expected {expected} got {y[o]}");
            }
        }
    }

    [Fact]
    public void BroadcastBinaryMatchesIndexArithmetic()
    {
        int[][] cases = [[2, 3, 4, 5], [1, 3, 1, 5], [2, 1, 4, 1], [1, 1, 1, 1]];
        foreach (var aShape in cases)
        foreach (var bShape in cases)
        {
            var yShape = Shape.Broadcast(aShape, bShape)!;
            var a = RandomArray(Shape.Count(aShape), 10);
            var b = RandomArray(Shape.Count(bShape), 11);
            var expected = new float[Shape.Count(yShape)];
            var idx = new int[4];
            for (int i = 0; i < expected.Length; i++)
            {
                int r = i;
                for (int d = 3; d >= 0; d--) { idx[d] = r % yShape[d]; r /= yShape[d]; }
                int ai = 0, bi = 0;
                for (int d = 0; d < 4; d++)
                {
                    ai = ai * aShape[d] + (aShape[d] == 1 ? 0 : idx[d]);
                    bi = bi * bShape[d] + (bShape[d] == 1 ? 0 : idx[d]);
                }
                expected[i] = a[ai] - b[bi];
            }
            var y = Ops.Sub(Tensor.FromArray(a, aShape), Tensor.FromArray(b, bShape));
            Assert.Equal(yShape, y.Shape);
            AssertClose(expected, y.ToArray(), 0f, $"{Shape.Format(aShape)} - {Shape.Format(bShape)}");
        }
    }

    [Theory]
    [InlineData(BinaryOp.Min)]
    [InlineData(BinaryOp.Max)]
    public void MinMaxBackwardRoutesLikeTheScalarRule(BinaryOp op)
    {
        // Same shapes take the vector path; ties and NaNs must route as Pointwise's rule does
        // (ties to a, NaN comparisons to b). 67 = whole registers on every path plus a tail.
        int n = 67;
        var a = RandomArray(n, 12);
        var b = RandomArray(n, 13);
        var gy = RandomArray(n, 14);
        for (int i = 0; i < n; i += 5) b[i] = a[i];
        a[3] = float.NaN;
        b[7] = float.NaN;
        var ta = Tensor.FromArray(a, 1, n);
        var tb = Tensor.FromArray(b, 1, n);
        var tg = Tensor.FromArray(gy, 1, n);
        var ga = Tensor.Empty([1, n]);
        var gb = Tensor.Empty([1, n]);
        Cpu.BinaryBackward(op, ta.Buffer, [1, n], tb.Buffer, [1, n], tg.Buffer, [1, n], ga.Buffer, gb.Buffer);
        var expectedA = Enumerable.Range(0, n).Select(i => Pointwise.DerivativeA(op, a[i], b[i], gy[i])).ToArray();
        var expectedB = Enumerable.Range(0, n).Select(i => Pointwise.DerivativeB(op, a[i], b[i], gy[i])).ToArray();
        AssertClose(expectedA, ga.ToArray(), 0f, $"{op} backward, a");
        AssertClose(expectedB, gb.ToArray(), 0f, $"{op} backward, b");
    }

    [Fact]
    public void SimdTranscendentalsMatchTheirDefinitions()
    {
        // Double-precision definitions, not the shared formula the kernel runs (that would check
        // the formula against itself): what the SIMD exp and the formulas built on it must give.
        var x = Enumerable.Range(0, 4001).Select(i => -20f + i * 0.01f).ToArray();
        foreach (var op in new[] { UnaryOp.Exp, UnaryOp.Sigmoid, UnaryOp.Tanh, UnaryOp.Softplus })
        {
            var input = x.Select(v => op == UnaryOp.Exp ? v / 2 : v).ToArray();
            var y = Ops.Unary(op, Tensor.FromArray(input, input.Length)).ToArray();
            Func<double, double> definition = op switch
            {
                UnaryOp.Exp => Math.Exp,
                UnaryOp.Sigmoid => v => 1 / (1 + Math.Exp(-v)),
                UnaryOp.Tanh => Math.Tanh,
                _ => v => Math.Log(1 + Math.Exp(v)),
            };
            var expected = input.Select(v => (float)definition(v)).ToArray();
            AssertClose(expected, y, 1e-6f, op.ToString());
        }
    }
}
