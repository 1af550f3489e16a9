namespace KernelGan.Gan.Onnx.Interpreter;

/// <summary>
/// Resize (and the older Upsample) over the spatial axes of NCHW tensors: nearest by an integer
/// factor (the backend's nearest upsampling) and bilinear with half-pixel or align-corners
/// coordinates (the backend's bilinear resize, PyTorch's interpolate). Other modes say so.
/// </summary>
public static class ResizeOps
{
    public static OnnxValue[] Resize(OpContext c)
    {
        var x = c.Tensor(0);
        if (x.Rank != 4) throw c.Error($"only NCHW inputs are supported, got {Shape.Format(x.Shape)}");
        // Inputs: X, roi (unused by these modes), scales, sizes. Opset 10 had X, scales.
        int[] size;
        if (c.Has(3) && c.Integers(3).Length > 0) size = c.Integers(3).Select(v => checked((int)v)).ToArray();
        else
        {
            int scalesAt = c.InputCount == 2 ? 1 : 2;
            var scales = c.HostFloats(scalesAt);
            if (scales.Length != 4) throw c.Error("scales or sizes with 4 values are required");
            size = x.Shape.Select((d, i) => (int)Math.Floor(d * scales[i])).ToArray();
        }
        return [OnnxValue.OnDevice(Apply(c, x, size, c.String("mode", "nearest"), c.String("coordinate_transformation_mode", "half_pixel")))];
    }

    /// <summary>Upsample (opset 7-9): scales as an attribute (7) or input (9), asymmetric coordinates.</summary>
    public static OnnxValue[] Upsample(OpContext c)
    {
        var x = c.Tensor(0);
        var scales = c.Has(1) ? c.HostFloats(1) : c.Node.Attribute("scales")?.Floats ?? throw c.Error("scales are required");
        var size = x.Shape.Select((d, i) => (int)Math.Floor(d * scales[i])).ToArray();
        return [OnnxValue.OnDevice(Apply(c, x, size, c.String("mode", "nearest"), "asymmetric"))];
    }

    private static Tensor Apply(OpContext c, Tensor x, int[] size, string mode, string coordinates)
    {
        if (size[0] != x.Shape[0] || size[1] != x.Shape[1]) throw c.Error("only the spatial axes may be resized");
        int h = x.Shape[2], w = x.Shape[3], oh = size[2], ow = size[3];
        if (mode == "nearest")
        {
            // The backend upsamples by a whole factor f, output pixel x reading input floor(x / f).
            // Which coordinate modes pick that pixel (x = q f + r): asymmetric maps x to q + r/f,
            // which floor takes to q (and round-half-down too while f <= 2); half_pixel maps it to
            // q + (r + 0.5)/f - 0.5, strictly within half a pixel of q, so either rounding gives q.
            int f = oh / Math.Max(1, h);
            string rounding = c.String("nearest_mode", "round_prefer_floor");
            bool wholeFactor = f >= 1 && oh == f * h && ow == f * w;
            bool picksFloor = f == 1 || coordinates switch
            {
                "asymmetric" => rounding == "floor" || rounding == "round_prefer_floor" && f == 2,
                "half_pixel" or "pytorch_half_pixel" => rounding is "round_prefer_floor" or "round_prefer_ceil",
                "tf_half_pixel_for_nn" => rounding == "floor",
                _ => false,
            };
            if (!wholeFactor || !picksFloor)
                throw c.Error($"nearest resize from {h}x{w} to {oh}x{ow} ({coordinates}, {rounding}) is not supported (whole upscaling factors only)");
            return f == 1 ? Ops.Reshape(x, x.Shape) : Ops.UpsampleNearest(x, f);
        }
        if (mode == "linear")
        {
            bool alignCorners = coordinates == "align_corners";
            // pytorch_half_pixel differs from half_pixel only for an output of size 1.
            bool halfPixel = coordinates == "half_pixel" || coordinates == "pytorch_half_pixel" && oh > 1 && ow > 1;
            if (!alignCorners && !halfPixel) throw c.Error($"linear resize with coordinate_transformation_mode '{coordinates}' is not supported (half_pixel, pytorch_half_pixel, align_corners)");
            if (c.Int("antialias", 0) != 0 && (oh < h || ow < w)) throw c.Error("antialiased downscaling is not supported");
            return Ops.ResizeBilinear(x, oh, ow, alignCorners);
        }
        throw c.Error($"mode '{mode}' is not supported (nearest, linear)");
    }
}
