namespace KernelGan.Gan.Onnx.Interpreter;

/// <summary>Conv and ConvTranspose on the backend's convolution kernels (im2col + GEMM).</summary>
public static class ConvolutionOps
{
    public static OnnxValue[] Conv(OpContext c)
    {
        var x = c.Tensor(0);
        var w = c.Tensor(1);
        var bias = c.Has(2) ? c.Tensor(2) : null;
        if (x.Rank != 4 || w.Rank != 4) throw c.Error($"only 2-D convolution is supported (input {Shape.Format(x.Shape)}, weight {Shape.Format(w.Shape)})");
        c.Require("group", 1, "grouped and depthwise convolution");
        var window = SpatialWindow.Of(c, [x.Shape[2], x.Shape[3]], [w.Shape[2], w.Shape[3]]);
        // The conv kernel pads symmetrically; any excess on one side is padded explicitly first.
        int padH = Math.Min(window.PadBegin[0], window.PadEnd[0]), padW = Math.Min(window.PadBegin[1], window.PadEnd[1]);
        x = LayoutOps.Pad(x, 2, window.PadBegin[0] - padH, window.PadEnd[0] - padH, 0f);
        x = LayoutOps.Pad(x, 3, window.PadBegin[1] - padW, window.PadEnd[1] - padW, 0f);
        return [OnnxValue.OnDevice(Ops.Conv2d(x, w, bias, (window.Strides[0], window.Strides[1]), (padH, padW)))];
    }

    /// <summary>The form our generator export writes: square strides, symmetric equal pads, no output padding.</summary>
    public static OnnxValue[] ConvTranspose(OpContext c)
    {
        var x = c.Tensor(0);
        var w = c.Tensor(1);
        var bias = c.Has(2) ? c.Tensor(2) : null;
        if (x.Rank != 4 || w.Rank != 4) throw c.Error("only 2-D transposed convolution is supported");
        c.Require("group", 1, "grouped transposed convolution");
        if (c.Ints("output_padding") is { } op && op.Any(v => v != 0)) throw c.Error("output_padding is not supported");
        if (c.Ints("output_shape") is not null) throw c.Error("output_shape is not supported (give pads)");
        if (c.Ints("dilations") is { } d && d.Any(v => v != 1)) throw c.Error("dilations other than 1 are not supported");
        if (c.String("auto_pad", "NOTSET") is not ("NOTSET" or "" or "VALID")) throw c.Error("auto_pad SAME is not supported for ConvTranspose");
        var strides = c.Ints("strides") ?? [1, 1];
        var pads = c.Ints("pads") ?? [0, 0, 0, 0];
        if (strides[0] != strides[1] || pads.Distinct().Count() != 1)
            throw c.Error($"only equal strides and equal pads are supported (strides [{string.Join(",", strides)}], pads [{string.Join(",", pads)}])");
        return [OnnxValue.OnDevice(Ops.ConvTranspose2d(x, w, bias, (int)strides[0], (int)pads[0]))];
    }
}
