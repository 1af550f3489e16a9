namespace KernelGan.Gan.Onnx.Interpreter;

/// <summary>
/// MaxPool, AveragePool and the global pools. A window op is built from strided views of the
/// padded input, one per kernel tap, combined with Maximum or Add; square average pools use the
/// backend's pooling kernel instead. Padding counts as -infinity for max, as zero for the sum; an
/// average divides by the number of cells ONNX counts (count_include_pad).
/// </summary>
public static class PoolingOps
{
    public static OnnxValue[] MaxPool(OpContext c)
    {
        if (c.Node.Outputs.Count > 1 && c.Node.Outputs[1].Length > 0) throw c.Error("the Indices output is not supported");
        var (x, window) = Prepare(c);
        var padded = PadForWindows(x, window, float.NegativeInfinity);
        return [OnnxValue.OnDevice(Combine(Taps(padded, window), Ops.Maximum))];
    }

    public static OnnxValue[] AveragePool(OpContext c)
    {
        var (x, window) = Prepare(c);
        bool includePad = c.Int("count_include_pad", 0) != 0;
        var padded = PadForWindows(x, window, 0f);
        int kh = window.Kernel[0], kw = window.Kernel[1];
        Tensor sum;
        if (kh == kw && window.Strides[0] == window.Strides[1])
        {
            // The backend's pooling kernel averages each k x k window of the padded input.
            var mean = Ops.AvgPool2d(padded, kh, window.Strides[0]);
            sum = Ops.Affine(Ops.Narrow(Ops.Narrow(mean, 2, 0, window.Output[0]), 3, 0, window.Output[1]), kh * kw, 0f);
        }
        else
        {
            sum = Combine(Taps(padded, window), Ops.Add);
        }
        var counts = CellCounts(window, x.Shape[2], x.Shape[3], includePad);
        if (counts.All(v => v == kh * kw)) return [OnnxValue.OnDevice(Ops.Affine(sum, 1f / (kh * kw), 0f))];
        var divisor = Tensor.FromArray(counts, [1, 1, window.Output[0], window.Output[1]], c.Backend);
        return [OnnxValue.OnDevice(Ops.Div(sum, divisor))];
    }

    public static OnnxValue[] GlobalAveragePool(OpContext c)
    {
        var x = c.Tensor(0);
        if (x.Rank < 3) throw c.Error($"input {Shape.Format(x.Shape)} has no spatial axes");
        return [OnnxValue.OnDevice(Ops.Mean(x, Enumerable.Range(2, x.Rank - 2).ToArray(), keepDims: true))];
    }

    private static (Tensor X, SpatialWindow Window) Prepare(OpContext c)
    {
        var x = c.Tensor(0);
        if (x.Rank != 4) throw c.Error($"only 2-D pooling (NCHW input) is supported, got {Shape.Format(x.Shape)}");
        var kernel = c.Ints("kernel_shape") ?? throw c.Error("kernel_shape is required");
        var window = SpatialWindow.Of(c, [x.Shape[2], x.Shape[3]], kernel.Select(k => (int)k).ToArray(), c.Int("ceil_mode", 0) != 0);
        return (x, window);
    }

    /// <summary>Pads so that every tap's strided view fits: at least (kernel - 1) + output * stride cells per axis.</summary>
    private static Tensor PadForWindows(Tensor x, SpatialWindow w, float value)
    {
        for (int d = 0; d < 2; d++)
        {
            int size = x.Shape[2 + d];
            int needed = Math.Max(size + w.PadEnd[d], w.Kernel[d] - 1 + w.Output[d] * w.Strides[d] - w.PadBegin[d]);
            x = LayoutOps.Pad(x, 2 + d, w.PadBegin[d], needed - size, value);
        }
        return x;
    }

    /// <summary>
    /// Folds the taps with <paramref name="combine"/>, freeing each partial result and tap as soon
    /// as it is folded in, so a pool holds about three output-sized tensors at a time, not k*k.
    /// </summary>
    private static Tensor Combine(IEnumerable<Tensor> taps, Func<Tensor, Tensor, Tensor> combine)
    {
        Tensor? acc = null;
        foreach (var tap in taps)
        {
            if (acc is null) { acc = tap; continue; }
            var next = combine(acc, tap);
            acc.Dispose();
            tap.Dispose();
            acc = next;
        }
        return acc!;
    }

    /// <summary>For each kernel tap (dy, dx), the input cells it sees at every output position (each a new tensor).</summary>
    private static IEnumerable<Tensor> Taps(Tensor padded, SpatialWindow w)
    {
        for (int dy = 0; dy < w.Kernel[0]; dy++)
        {
            var rows = LayoutOps.Strided(padded, 2, dy, w.Output[0], w.Strides[0]);
            for (int dx = 0; dx < w.Kernel[1]; dx++)
                yield return LayoutOps.Strided(rows, 3, dx, w.Output[1], w.Strides[1]);
            rows.Dispose();
        }
    }

    /// <summary>How many cells each output's window counts: inside the image, or inside image plus pads.</summary>
    private static float[] CellCounts(SpatialWindow w, int height, int width, bool includePad)
    {
        int[] Count1d(int d, int size)
        {
            int lo = includePad ? -w.PadBegin[d] : 0, hi = includePad ? size + w.PadEnd[d] : size;
            var counts = new int[w.Output[d]];
            for (int o = 0; o < counts.Length; o++)
            {
                int start = o * w.Strides[d] - w.PadBegin[d];
                counts[o] = Math.Max(0, Math.Min(start + w.Kernel[d], hi) - Math.Max(start, lo));
            }
            return counts;
        }
        var rows = Count1d(0, height);
        var cols = Count1d(1, width);
        var result = new float[rows.Length * cols.Length];
        for (int i = 0; i < rows.Length; i++)
            for (int j = 0; j < cols.Length; j++) result[i * cols.Length + j] = rows[i] * cols[j];
        return result;
    }
}
