using ILGPU;
using ILGPU.Runtime;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>
/// Convolutions as one large GEMM per chunk of images (not one small GEMM per image): the column
/// matrix of a chunk is [Cin*Kh*Kw, images*Hout*Wout], so the GEMM's n dimension spans the whole
/// chunk. Images are chunked only to bound the column matrix's memory (<see cref="ConvColumnBudget"/>).
/// 1x1 stride-1 convolutions skip the unfold: their "columns" are the channel-major input.
/// </summary>
public sealed partial class IlgpuBackend
{
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ConvArgs>? _im2col, _col2im;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ChannelMajorArgs>? _toChannelMajor;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ChannelMajorArgs>? _fromChannelMajor;

    /// <summary>Most floats one column matrix may hold; a batch that needs more is processed in chunks of images.</summary>
    internal long ConvColumnBudget { get; set; }

    public void Conv2dForward(in ConvGeometry g, DeviceBuffer x, DeviceBuffer w, DeviceBuffer? bias, DeviceBuffer y)
    {
        if (g.OutputSize == 0) return;
        int plane = g.Hout * g.Wout, depth = g.Cin * g.Kh * g.Kw;
        var xv = View(x);
        var yv = View(y);
        var wv = View(w);
        var bv = ViewOrAbsent(bias);
        foreach (var (first, count) in ImageChunks(g))
        {
            var cols = Columns(g, xv, first, count);
            var product = Scratch((long)g.Cout * count * plane);
            GemmViews(false, false, g.Cout, count * plane, depth, 1f, wv, depth, 0, cols.View, count * plane, 0,
                      0f, product.View, count * plane, 0, 1);
            Launch(ref _fromChannelMajor, ConvKernels.FromChannelMajor)(_stream, Linear((long)count * g.Cout * plane),
                product.View, yv.SubView((long)first * g.Cout * plane, (long)count * g.Cout * plane), bv,
                new ChannelMajorArgs(count, g.Cout, plane, bias is null ? 0 : 1));
            product.Release();
            cols.Release();
        }
    }

    public void Conv2dBackwardData(in ConvGeometry g, DeviceBuffer gy, DeviceBuffer w, DeviceBuffer gx)
    {
        if (g.InputSize == 0) return;
        int plane = g.Hout * g.Wout, depth = g.Cin * g.Kh * g.Kw;
        var gyv = View(gy);
        var gxv = View(gx);
        var wv = View(w);
        foreach (var (first, count) in ImageChunks(g))
        {
            var gradOut = ChannelMajor(gyv, first, count, g.Cout, plane);
            var cols = Scratch((long)depth * count * plane);
            // cols = W^T gy: [Cin*Kh*Kw, Cout] x [Cout, images*HW].
            GemmViews(true, false, depth, count * plane, g.Cout, 1f, wv, depth, 0, gradOut.View, count * plane, 0,
                      0f, cols.View, count * plane, 0, 1);
            var chunk = new ConvArgs(g, first, count);
            if (IsPointwise(g))
                Launch(ref _fromChannelMajor, ConvKernels.FromChannelMajor)(_stream, Linear((long)count * g.Cin * plane),
                    cols.View, gxv.SubView((long)first * g.Cin * plane, (long)count * g.Cin * plane), _absentFloats.View.BaseView,
                    new ChannelMajorArgs(count, g.Cin, plane, 0));
            else
                Launch(ref _col2im, ConvKernels.Col2Im)(_stream, Linear((long)count * g.Cin * g.Hin * g.Win), cols.View, gxv, chunk);
            cols.Release();
            gradOut.Release();
        }
    }

    public void Conv2dBackwardWeight(in ConvGeometry g, DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gw, DeviceBuffer? gbias)
    {
        int plane = g.Hout * g.Wout, depth = g.Cin * g.Kh * g.Kw;
        var xv = View(x);
        var gyv = View(gy);
        var gwv = View(gw);
        var chunks = ImageChunks(g).ToList();
        bool firstChunk = true;
        foreach (var (first, count) in chunks)
        {
            var gradOut = ChannelMajor(gyv, first, count, g.Cout, plane);
            var cols = Columns(g, xv, first, count);
            // gw (+)= gy [Cout, images*HW] x cols^T [images*HW, Cin*Kh*Kw]: a long reduction, split-k planned.
            GemmViews(false, true, g.Cout, depth, count * plane, 1f, gradOut.View, count * plane, 0, cols.View, count * plane, 0,
                      firstChunk ? 0f : 1f, gwv, depth, 0, 1);
            // With the whole batch in one chunk, the bias gradient is a sum along the long rows of the
            // channel-major gy: one pass, instead of a pass per image plane (rows of 16-1024 floats).
            if (gbias is not null && chunks.Count == 1) ReduceSum(gradOut, gbias, g.Cout, count * plane, 1);
            firstChunk = false;
            cols.Release();
            gradOut.Release();
        }
        if (firstChunk) Fill(gw, 0, g.WeightSize, 0f); // an empty batch contributes nothing
        if (gbias is not null && chunks.Count != 1)
        {
            // Sum over pixels, then over images: [N, Cout, HW] -> [N, Cout] -> [Cout].
            var perImage = Scratch((long)g.N * g.Cout);
            ReduceSum(gy, perImage, g.N * g.Cout, plane, 1);
            ReduceSum(perImage, gbias, 1, g.N, g.Cout);
            perImage.Release();
        }
    }

    private static bool IsPointwise(in ConvGeometry g) =>
        g.Kh == 1 && g.Kw == 1 && g.StrideH == 1 && g.StrideW == 1 && g.PadH == 0 && g.PadW == 0;

    /// <summary>The column matrix [Cin*Kh*Kw, count*HW] of images [first, first+count).</summary>
    private IlgpuBuffer Columns(in ConvGeometry g, ArrayView<float> x, int first, int count)
    {
        int plane = g.Hout * g.Wout;
        if (IsPointwise(g)) return ChannelMajor(x, first, count, g.Cin, plane);
        var cols = Scratch((long)g.Cin * g.Kh * g.Kw * count * plane);
        var chunk = new ConvArgs(g, first, count);
        Launch(ref _im2col, ConvKernels.Im2Col)(_stream, Linear((long)chunk.Depth * chunk.Columns), x, cols.View, chunk);
        return cols;
    }

    /// <summary>[count, channels, plane] starting at image <paramref name="first"/> as [channels, count*plane].</summary>
    private IlgpuBuffer ChannelMajor(ArrayView<float> source, int first, int count, int channels, int plane)
    {
        long size = (long)count * channels * plane;
        var result = Scratch(size);
        Launch(ref _toChannelMajor, ConvKernels.ToChannelMajor)(_stream, Linear(size),
            source.SubView((long)first * channels * plane, size), result.View, new ChannelMajorArgs(count, channels, plane, 0));
        return result;
    }

    /// <summary>Consecutive image ranges whose column matrix fits the budget (at least one image each).</summary>
    private IEnumerable<(int First, int Count)> ImageChunks(ConvGeometry g)
    {
        long perImage = Math.Max(1L, (long)Math.Max(g.Cin * g.Kh * g.Kw, g.Cout) * g.Hout * g.Wout);
        int chunk = (int)Math.Clamp(ConvColumnBudget / perImage, 1, Math.Max(1, g.N));
        for (int first = 0; first < g.N; first += chunk)
            yield return (first, Math.Min(chunk, g.N - first));
    }
}
