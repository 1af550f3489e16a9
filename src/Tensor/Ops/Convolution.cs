using KernelGan.Kernels;

namespace KernelGan;

public static partial class Ops
{
    /// <summary>2-D convolution: x [N, Cin, H, W], w [Cout, Cin, Kh, Kw], bias [Cout] or null.</summary>
    public static Tensor Conv2d(Tensor x, Tensor w, Tensor? bias = null, int stride = 1, int padding = 0) =>
        Conv2d(x, w, bias, (stride, stride), (padding, padding));

    /// <summary>
    /// 2-D convolution with its own stride and (symmetric) padding per axis, e.g. the 1x7 and 7x1
    /// kernels of Inception networks (padding (0, 3) and (3, 0)).
    /// </summary>
    public static Tensor Conv2d(Tensor x, Tensor w, Tensor? bias, (int H, int W) stride, (int H, int W) padding)
    {
        var backend = SameBackend("conv2d", x, w);
        RequireRank("conv2d", x, 4, "input");
        RequireRank("conv2d", w, 4, "weight");
        if (x.Shape[1] != w.Shape[1])
            throw new ShapeException($"conv2d: input {F(x.Shape)} has {x.Shape[1]} channels but weight {F(w.Shape)} expects {w.Shape[1]}");
        var g = new ConvGeometry(x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3], w.Shape[0], w.Shape[2], w.Shape[3],
                                 stride.H, stride.W, padding.H, padding.W);
        CheckGeometry("conv2d", g, x.Shape);
        CheckBias("conv2d", bias, g.Cout);
        var y = Tensor.Empty([g.N, g.Cout, g.Hout, g.Wout], backend);
        backend.Conv2dForward(g, x.Buffer, w.Buffer, bias?.Buffer, y.Buffer);
        Tensor[] inputs = bias is null ? [x, w] : [x, w, bias];
        return Tensor.Record("conv2d", y, inputs, gy =>
        {
            Tensor? gx = null, gw = null, gb = null;
            if (x.RequiresGrad)
            {
                gx = Tensor.Empty(x.Shape, backend);
                backend.Conv2dBackwardData(g, gy.Buffer, w.Buffer, gx.Buffer);
            }
            bool wantBias = bias?.RequiresGrad ?? false;
            if (w.RequiresGrad)
            {
                // The weight kernel sums the bias gradient on the way, when asked for it.
                gw = Tensor.Empty(w.Shape, backend);
                gb = wantBias ? Tensor.Empty(bias!.Shape, backend) : null;
                backend.Conv2dBackwardWeight(g, x.Buffer, gy.Buffer, gw.Buffer, gb?.Buffer);
            }
            else if (wantBias) // a frozen weight: the bias gradient alone is a sum, not a weight-gradient pass
                gb = Reshaped(SumTo(gy, [1, g.Cout, 1, 1], alwaysCopy: true), bias!.Shape);
            return bias is null ? [gx, gw] : [gx, gw, gb];
        });
    }

    /// <summary>
    /// Transposed 2-D convolution (the adjoint of conv2d): x [N, Cin, H, W], w [Cin, Cout, Kh, Kw]
    /// (PyTorch's layout), output [N, Cout, (H-1)*s - 2p + Kh, ...].
    /// </summary>
    public static Tensor ConvTranspose2d(Tensor x, Tensor w, Tensor? bias = null, int stride = 1, int padding = 0)
    {
        var backend = SameBackend("conv-transpose2d", x, w);
        RequireRank("conv-transpose2d", x, 4, "input");
        RequireRank("conv-transpose2d", w, 4, "weight");
        if (x.Shape[1] != w.Shape[0])
            throw new ShapeException($"conv-transpose2d: input {F(x.Shape)} has {x.Shape[1]} channels but weight {F(w.Shape)} expects {w.Shape[0]}");
        int hout = (x.Shape[2] - 1) * stride - 2 * padding + w.Shape[2];
        int wout = (x.Shape[3] - 1) * stride - 2 * padding + w.Shape[3];
        if (hout <= 0 || wout <= 0)
            throw new ShapeException($"conv-transpose2d: input {F(x.Shape)} with kernel {w.Shape[2]}x{w.Shape[3]}, stride {stride}, padding {padding} gives an empty output");
        // The conv whose data gradient this is: input = our output, output = our input.
        var g = new ConvGeometry(x.Shape[0], w.Shape[1], hout, wout, w.Shape[0], w.Shape[2], w.Shape[3],
                                 stride, stride, padding, padding);
        CheckBias("conv-transpose2d", bias, g.Cin);
        var y = Tensor.Empty([g.N, g.Cin, hout, wout], backend);
        backend.Conv2dBackwardData(g, x.Buffer, w.Buffer, y.Buffer);
        if (bias is not null)
        {
            using var b4 = bias.Alias([1, g.Cin, 1, 1]);
            backend.Binary(BinaryOp.Add, y.Buffer, y.Shape, b4.Buffer, b4.Shape, y.Buffer, y.Shape);
        }
        Tensor[] inputs = bias is null ? [x, w] : [x, w, bias];
        return Tensor.Record("conv-transpose2d", y, inputs, gy =>
        {
            Tensor? gx = null, gw = null, gb = null;
            if (x.RequiresGrad)
            {
                gx = Tensor.Empty(x.Shape, backend);
                backend.Conv2dForward(g, gy.Buffer, w.Buffer, null, gx.Buffer);
            }
            if (w.RequiresGrad)
            {
                gw = Tensor.Empty(w.Shape, backend);
                backend.Conv2dBackwardWeight(g, gy.Buffer, x.Buffer, gw.Buffer, null);
            }
            if (bias is not null && bias.RequiresGrad) gb = Reshaped(SumTo(gy, [1, g.Cin, 1, 1], alwaysCopy: true), bias.Shape);
            return bias is null ? [gx, gw] : [gx, gw, gb];
        });
    }

    private static void CheckGeometry(string op, in ConvGeometry g, int[] inputShape)
    {
        if (g.StrideH <= 0 || g.StrideW <= 0 || g.PadH < 0 || g.PadW < 0)
            throw new ShapeException($"{op}: stride must be positive and padding non-negative (stride {g.StrideH},{g.StrideW}, padding {g.PadH},{g.PadW})");
        if (g.Hout <= 0 || g.Wout <= 0)
            throw new ShapeException($"{op}: input {F(inputShape)} is smaller than the {g.Kh}x{g.Kw} kernel with padding {g.PadH},{g.PadW}");
    }

    private static void CheckBias(string op, Tensor? bias, int channels)
    {
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != channels))
            throw new ShapeException($"{op}: bias {F(bias.Shape)} must be [{channels}]");
    }
}
