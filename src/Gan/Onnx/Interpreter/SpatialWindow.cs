namespace KernelGan.Gan.Onnx.Interpreter;

/// <summary>
/// The 2-D window geometry of a Conv or pooling node: kernel, strides, the padding before and
/// after each spatial axis (explicit pads or auto_pad), and the output size ONNX defines for it.
/// </summary>
public sealed record SpatialWindow(int[] Kernel, int[] Strides, int[] PadBegin, int[] PadEnd, int[] Output)
{
    public bool SymmetricPads => PadBegin[0] == PadEnd[0] && PadBegin[1] == PadEnd[1];

    /// <param name="kernel">The kernel size, from the attribute or the weight.</param>
    /// <param name="ceilMode">Pools may round the output size up (ceil_mode=1).</param>
    public static SpatialWindow Of(OpContext c, int[] inputHw, int[] kernel, bool ceilMode = false)
    {
        if (c.Ints("dilations") is { } dilations && dilations.Any(d => d != 1)) throw c.Error("dilations other than 1 are not supported");
        var strides = (c.Ints("strides") ?? [1, 1]).Select(v => (int)v).ToArray();
        if (kernel.Length != 2 || strides.Length != 2) throw c.Error("only 2-D windows (NCHW inputs) are supported");
        var begin = new int[2];
        var end = new int[2];
        string autoPad = c.String("auto_pad", "NOTSET");
        if (autoPad is "SAME_UPPER" or "SAME_LOWER")
        {
            for (int d = 0; d < 2; d++)
            {
                int output = (inputHw[d] + strides[d] - 1) / strides[d];
                int total = Math.Max(0, (output - 1) * strides[d] + kernel[d] - inputHw[d]);
                // SAME_UPPER puts the odd pixel at the end, SAME_LOWER at the beginning.
                begin[d] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
                end[d] = total - begin[d];
            }
        }
        else if (autoPad is "NOTSET" or "")
        {
            if (c.Ints("pads") is { } pads)
            {
                if (pads.Length != 4) throw c.Error($"pads has {pads.Length} values; 4 expected (2-D)");
                begin = [(int)pads[0], (int)pads[1]];
                end = [(int)pads[2], (int)pads[3]];
            }
        }
        else if (autoPad != "VALID") throw c.Error($"auto_pad '{autoPad}' is not supported");

        var outputSize = new int[2];
        for (int d = 0; d < 2; d++)
        {
            int span = inputHw[d] + begin[d] + end[d] - kernel[d];
            if (span < 0) throw c.Error($"the {kernel[0]}x{kernel[1]} window does not fit input {inputHw[0]}x{inputHw[1]} with its padding");
            int o = ceilMode ? (span + strides[d] - 1) / strides[d] + 1 : span / strides[d] + 1;
            // As ONNX Runtime and PyTorch: a last window that would start in the end padding is dropped.
            if (ceilMode && (o - 1) * strides[d] >= inputHw[d] + begin[d]) o--;
            outputSize[d] = o;
        }
        return new SpatialWindow(kernel, strides, begin, end, outputSize);
    }
}
