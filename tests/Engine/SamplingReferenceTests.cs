using KernelGan.Kernels;
using Xunit;

namespace KernelGan.Tests.Engine;

/// <summary>
/// The CPU backend's resampling and batch-norm backward kernels against plain loops written from
/// PyTorch's definitions (grid_sample, interpolate, avg_pool2d, batch_norm), in double, with no
/// shared helpers from src/: the finite-difference checks pin each op's gradient to its own
/// forward, these pin the forward and backward to the definition. Outputs start as NaN so an
/// element a kernel forgets to write fails.
/// </summary>
public class SamplingReferenceTests
{
    private static readonly IBackend Cpu = Device.Cpu;

    private static float[] RandomArray(int n, int seed, float lo = -1f, float hi = 1f)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => lo + (float)r.NextDouble() * (hi - lo)).ToArray();
    }

    private static Tensor Up(float[] data) => Tensor.FromArray(data, data.Length);

    private static Tensor NaNs(int n) => Tensor.Full([n], float.NaN);

    private static void AssertClose(double[] expected, float[] actual, double tol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * (1 + Math.Abs(expected[i])),
                $"{what}: [{i}] expected {expected[i]:G7} got {actual[i]:G7}");
    }

    /// <summary>grid_sample's unnormalize: a coordinate in [-1, 1] to a pixel position.</summary>
    private static double Pixel(double coord, int size, bool alignCorners) =>
        alignCorners ? (coord + 1) / 2 * (size - 1) : ((coord + 1) * size - 1) / 2;

    [Theory]
    [InlineData(2, 3, 5, 7, 4, 6, false)]
    [InlineData(2, 3, 5, 7, 4, 6, true)]
    [InlineData(1, 9, 8, 8, 3, 19, false)]   // more channels and a wider output row
    public void GridSampleMatchesDefinition(int n, int c, int hin, int win, int hout, int wout, bool alignCorners)
    {
        var x = RandomArray(n * c * hin * win, 1);
        // Past [-1, 1] on purpose: points near and beyond the border read zeros there.
        var grid = RandomArray(n * hout * wout * 2, 2, -1.3f, 1.3f);
        var gy = RandomArray(n * c * hout * wout, 3);
        var y = new double[gy.Length];
        var gx = new double[x.Length];
        var gGrid = new double[grid.Length];
        for (int s = 0; s < n; s++)
        for (int i = 0; i < hout; i++)
        for (int j = 0; j < wout; j++)
        {
            int p = (s * hout + i) * wout + j;
            double px = Pixel(grid[2 * p], win, alignCorners), py = Pixel(grid[2 * p + 1], hin, alignCorners);
            int x0 = (int)Math.Floor(px), y0 = (int)Math.Floor(py);
            double fx = px - x0, fy = py - y0;
            double dPx = 0, dPy = 0; // d(sum over channels of gy * y) / d(pixel position)
            for (int ch = 0; ch < c; ch++)
            {
                int plane = (s * c + ch) * hin * win;
                double At(int yy, int xx) => yy >= 0 && yy < hin && xx >= 0 && xx < win ? x[plane + yy * win + xx] : 0;
                void Add(int yy, int xx, double v) { if (yy >= 0 && yy < hin && xx >= 0 && xx < win) gx[plane + yy * win + xx] += v; }
                double v00 = At(y0, x0), v01 = At(y0, x0 + 1), v10 = At(y0 + 1, x0), v11 = At(y0 + 1, x0 + 1);
                int o = ((s * c + ch) * hout + i) * wout + j;
                y[o] = (1 - fy) * ((1 - fx) * v00 + fx * v01) + fy * ((1 - fx) * v10 + fx * v11);
                double g = gy[o];
                Add(y0, x0, g * (1 - fy) * (1 - fx));
                Add(y0, x0 + 1, g * (1 - fy) * fx);
                Add(y0 + 1, x0, g * fy * (1 - fx));
                Add(y0 + 1, x0 + 1, g * fy * fx);
                dPx += g * ((1 - fy) * (v01 - v00) + fy * (v11 - v10));
                dPy += g * ((1 - fx) * (v10 - v00) + fx * (v11 - v01));
            }
            gGrid[2 * p] = dPx * (alignCorners ? (win - 1) / 2.0 : win / 2.0);
            gGrid[2 * p + 1] = dPy * (alignCorners ? (hin - 1) / 2.0 : hin / 2.0);
        }

        var (tx, tgrid, tgy) = (Up(x), Up(grid), Up(gy));
        var (ty, tgx, tgg) = (NaNs(y.Length), NaNs(x.Length), NaNs(grid.Length));
        Cpu.GridSample(tx.Buffer, tgrid.Buffer, ty.Buffer, n, c, hin, win, hout, wout, alignCorners);
        Cpu.GridSampleBackward(tx.Buffer, tgrid.Buffer, tgy.Buffer, tgx.Buffer, tgg.Buffer, n, c, hin, win, hout, wout, alignCorners);
        string what = $"grid-sample align={alignCorners}";
        AssertClose(y, ty.ToArray(), 1e-5, what);
        AssertClose(gx, tgx.ToArray(), 1e-5, what + " d/dx");
        AssertClose(gGrid, tgg.ToArray(), 1e-4, what + " d/dgrid");
    }

    /// <summary>interpolate(mode="bilinear")'s source position of output pixel <paramref name="dst"/>.</summary>
    private static double ResizeSource(int dst, int inSize, int outSize, bool alignCorners)
    {
        if (alignCorners) return outSize > 1 ? dst * (inSize - 1.0) / (outSize - 1) : 0;
        return Math.Max(0, (dst + 0.5) * inSize / outSize - 0.5);
    }

    [Theory]
    [InlineData(2, 3, 4, 5, 2)] // factor 2 takes its own loops (CpuSpatial.UpsampleLines2, SumBlocks2)
    [InlineData(1, 2, 3, 3, 3)]
    [InlineData(1, 1, 1, 7, 2)]
    public void NearestUpsamplingMatchesDefinition(int n, int c, int h, int w, int factor) =>
        CheckResampling(n, c, h, w, h * factor, w * factor, (i, j) => [(i / factor, j / factor, 1.0)],
            (x, y) => Cpu.UpsampleNearest(x, y, n, c, h, w, factor),
            (gy, gx) => Cpu.UpsampleNearestBackward(gy, gx, n, c, h, w, factor), $"nearest x{factor}");

    [Theory]
    [InlineData(2, 2, 3, 4, 7, 5, false)]   // up
    [InlineData(1, 2, 6, 5, 3, 2, true)]    // down, corners aligned
    [InlineData(2, 3, 5, 7, 8, 3, false)]   // up in one axis, down in the other
    [InlineData(1, 3, 4, 4, 1, 1, true)]    // to one pixel
    [InlineData(1, 2, 8, 8, 16, 16, false)] // doubling, as the U-Net upsamples
    public void BilinearResizeMatchesDefinition(int n, int c, int h, int w, int outH, int outW, bool alignCorners) =>
        CheckResampling(n, c, h, w, outH, outW, (i, j) =>
            {
                double sy = ResizeSource(i, h, outH, alignCorners), sx = ResizeSource(j, w, outW, alignCorners);
                int y0 = (int)Math.Floor(sy), x0 = (int)Math.Floor(sx);
                int y1 = Math.Min(y0 + 1, h - 1), x1 = Math.Min(x0 + 1, w - 1);
                double ly = sy - y0, lx = sx - x0;
                return [(y0, x0, (1 - ly) * (1 - lx)), (y0, x1, (1 - ly) * lx), (y1, x0, ly * (1 - lx)), (y1, x1, ly * lx)];
            },
            (x, y) => Cpu.UpsampleBilinear(x, y, n, c, h, w, outH, outW, alignCorners),
            (gy, gx) => Cpu.UpsampleBilinearBackward(gy, gx, n, c, h, w, outH, outW, alignCorners),
            $"resize {h}x{w}->{outH}x{outW} align={alignCorners}");

    /// <summary>
    /// A resampling kernel and its backward against the definition: each output pixel (i, j) of a
    /// plane is the sum of the input taps <paramref name="taps"/> gives, and the backward sends
    /// each output gradient back along the same taps.
    /// </summary>
    private static void CheckResampling(int n, int c, int h, int w, int outH, int outW, Func<int, int, (int Y, int X, double W)[]> taps,
                                        Action<DeviceBuffer, DeviceBuffer> forward, Action<DeviceBuffer, DeviceBuffer> backward, string what)
    {
        var x = RandomArray(n * c * h * w, 4);
        var gy = RandomArray(n * c * outH * outW, 5);
        var y = new double[gy.Length];
        var gx = new double[x.Length];
        for (int plane = 0; plane < n * c; plane++)
        for (int i = 0; i < outH; i++)
        for (int j = 0; j < outW; j++)
        {
            int o = (plane * outH + i) * outW + j;
            foreach (var (ty_, tx_, wt) in taps(i, j))
            {
                y[o] += wt * x[(plane * h + ty_) * w + tx_];
                gx[(plane * h + ty_) * w + tx_] += wt * gy[o];
            }
        }

        var (tx, tgy) = (Up(x), Up(gy));
        var (ty, tgx) = (NaNs(y.Length), NaNs(x.Length));
        forward(tx.Buffer, ty.Buffer);
        backward(tgy.Buffer, tgx.Buffer);
        AssertClose(y, ty.ToArray(), 1e-5, what);
        AssertClose(gx, tgx.ToArray(), 1e-5, what + " d/dx");
    }

    [Theory]
    [InlineData(2, 2, 4, 6, 2, 2)]
    [InlineData(1, 2, 5, 5, 3, 1)]   // overlapping windows
    [InlineData(2, 3, 7, 9, 3, 2)]   // overlapping, and a last row and column no window covers
    [InlineData(1, 1, 4, 4, 4, 4)]   // one window over the whole image
    public void AvgPoolMatchesDefinition(int n, int c, int h, int w, int k, int stride)
    {
        int oh = (h - k) / stride + 1, ow = (w - k) / stride + 1;
        var x = RandomArray(n * c * h * w, 6);
        var gy = RandomArray(n * c * oh * ow, 7);
        var y = new double[gy.Length];
        var gx = new double[x.Length];
        for (int plane = 0; plane < n * c; plane++)
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        {
            int o = (plane * oh + i) * ow + j;
            for (int a = 0; a < k; a++)
            for (int b = 0; b < k; b++)
            {
                int src = (plane * h + i * stride + a) * w + j * stride + b;
                y[o] += x[src] / (k * k);
                gx[src] += gy[o] / (k * k);
            }
        }

        var (tx, tgy) = (Up(x), Up(gy));
        var (ty, tgx) = (NaNs(y.Length), NaNs(x.Length));
        Cpu.AvgPool2d(tx.Buffer, ty.Buffer, n, c, h, w, k, stride);
        Cpu.AvgPool2dBackward(tgy.Buffer, tgx.Buffer, n, c, h, w, k, stride);
        string what = $"avg-pool {h}x{w} k{k} s{stride}";
        AssertClose(y, ty.ToArray(), 1e-5, what);
        AssertClose(gx, tgx.ToArray(), 1e-5, what + " d/dx");
    }

    [Theory]
    [InlineData(3, 2, 37)]   // vector loops and a tail per plane
    [InlineData(32, 3, 16)]  // the generator's batch
    [InlineData(4, 5, 1)]    // one value per plane (the 1x1 layer after a linear map)
    public void BatchNormBackwardMatchesDefinition(int n, int c, int hw)
    {
        var x = RandomArray(n * c * hw, 8, -2f, 3f);
        var gy = RandomArray(x.Length, 9);
        var gamma = RandomArray(c, 10, 0.5f, 1.5f);
        int count = n * hw;
        // The saved statistics the forward pass hands over: per-channel mean and 1/sqrt(var + eps).
        var mean = new float[c];
        var invStd = new float[c];
        for (int ch = 0; ch < c; ch++)
        {
            var values = Enumerable.Range(0, n).SelectMany(s => Enumerable.Range(0, hw).Select(i => (double)x[(s * c + ch) * hw + i])).ToArray();
            double m = values.Average();
            mean[ch] = (float)m;
            invStd[ch] = (float)(1 / Math.Sqrt(values.Sum(v => (v - m) * (v - m)) / count + 1e-5));
        }
        // dL/dx = gamma * invStd / M * (M * gy - sum(gy) - xhat * sum(gy * xhat)), per channel
        // (the batch statistics depend on every x of the channel); dL/dgamma = sum(gy * xhat);
        // dL/dbeta = sum(gy).
        var gx = new double[x.Length];
        var gGamma = new double[c];
        var gBeta = new double[c];
        double XHat(int o, int ch) => (x[o] - (double)mean[ch]) * invStd[ch];
        for (int ch = 0; ch < c; ch++)
        {
            for (int s = 0; s < n; s++)
            for (int i = 0; i < hw; i++)
            {
                int o = (s * c + ch) * hw + i;
                gBeta[ch] += gy[o];
                gGamma[ch] += gy[o] * XHat(o, ch);
            }
            for (int s = 0; s < n; s++)
            for (int i = 0; i < hw; i++)
            {
                int o = (s * c + ch) * hw + i;
                gx[o] = gamma[ch] * (double)invStd[ch] / count * (count * gy[o] - gBeta[ch] - XHat(o, ch) * gGamma[ch]);
            }
        }

        var (tx, tgy, tgamma, tmean, tinv) = (Up(x), Up(gy), Up(gamma), Up(mean), Up(invStd));
        var (tgx, tgg, tgb) = (NaNs(x.Length), NaNs(c), NaNs(c));
        Cpu.BatchNormBackward(tx.Buffer, tgy.Buffer, tgamma.Buffer, tmean.Buffer, tinv.Buffer, tgx.Buffer, tgg.Buffer, tgb.Buffer, n, c, hw);
        string what = $"batch-norm backward [{n},{c},{hw}]";
        AssertClose(gBeta, tgb.ToArray(), 1e-4, what + " d/dbeta");
        AssertClose(gGamma, tgg.ToArray(), 1e-4, what + " d/dgamma");
        AssertClose(gx, tgx.ToArray(), 1e-4, what + " d/dx");
    }
}
