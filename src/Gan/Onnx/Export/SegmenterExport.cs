using KernelGan.Gan.Segmentation;

namespace KernelGan.Gan.Onnx.Export;

/// <summary>How the exported segmenter takes its images.</summary>
public enum SegmenterInput
{
    /// <summary>"image": float [N, 3, S, S], RGB in [-1, 1] (2 * v/255 - 1), what the U-Net itself takes.</summary>
    Float,
    /// <summary>"image": uint8 [N, 3, S, S], RGB 0..255; the graph scales it to [-1, 1].</summary>
    Uint8Nchw,
    /// <summary>"image": uint8 [N, S, S, 3], RGB 0..255 as decoders give pixels; the graph transposes and scales.</summary>
    Uint8Nhwc,
}

/// <param name="MirrorAverage">
/// Average the U-Net's answer on each image with its answer on the mirror image, mirrored back:
/// what `kernelgan segment`, `eval` and the library compute (<see cref="Segmentation.MaskPredictor.PredictBatch"/>).
/// Off: the U-Net's single answer, half the work, not what those commands give.
/// </param>
public sealed record SegmenterExportOptions(SegmenterInput Input = SegmenterInput.Float, bool MirrorAverage = true);

/// <summary>
/// The U-Net segmenter as an ONNX model: images in (see <see cref="SegmenterInput"/>), "mask" out:
/// float [N, 1, S, S] foreground probabilities (sigmoid applied; threshold at 0.5 for a binary
/// mask). S is the size the segmenter was trained at; callers resize to it, as
/// <see cref="Segmentation.MaskPredictor.Predict"/> does. The batch size is free ("N").
/// </summary>
public static class SegmenterExport
{
    public const string InputName = "image", OutputName = "mask";

    public static OnnxModel Build(UNet unet, int imageSize, SegmenterExportOptions? options = null, IReadOnlyList<KeyValuePair<string, string>>? metadata = null)
    {
        options ??= new SegmenterExportOptions();
        if (unet.Training) throw new InvalidOperationException("onnx export: switch the U-Net to evaluation mode first (running batch-norm statistics)");
        var b = new OnnxGraphBuilder();
        string x = ScaledInput(b, options.Input);
        string probabilities;
        if (options.MirrorAverage)
        {
            // One pass over [x; mirror(x)] (2N images), then the halves are split, the second mirrored
            // back, and the two averaged: MaskPredictor.PredictBatch's arithmetic, in its order.
            string both = b.Node("Concat", "with_mirror", [x, Mirror(b, x, "mirrored_input")], OnnxAttribute.Int("axis", 0));
            string p = b.Node("Sigmoid", "probabilities_both", [UNetGraph(b, unet, both)]);
            var halves = b.Node("Split", "halves", 2, [p], OnnxAttribute.Int("axis", 0));
            string sum = b.Node("Add", "sum_of_both", [halves[0], Mirror(b, halves[1], "mirrored_back")]);
            probabilities = b.Node("Mul", OutputName, [sum, b.Scalar("one_half", 0.5f)]);
        }
        else probabilities = b.Node("Sigmoid", OutputName, [UNetGraph(b, unet, x)]);

        var elem = options.Input == SegmenterInput.Float ? OnnxDataType.Float : OnnxDataType.Uint8;
        OnnxDim n = OnnxDim.Symbolic("N"), s = OnnxDim.Fixed(imageSize), three = OnnxDim.Fixed(3);
        OnnxDim[] inputShape = options.Input == SegmenterInput.Uint8Nhwc ? [n, s, s, three] : [n, three, s, s];
        var graph = b.Build("kernelgan_segmenter", [new OnnxValueInfo(InputName, elem, inputShape)],
            [new OnnxValueInfo(probabilities, OnnxDataType.Float, [n, OnnxDim.Fixed(1), s, s])]);
        string doc = (
            $"KernelGan U-Net segmenter (width {unet.Width}, depth {unet.Depth}) at {imageSize}x{imageSize}. Input '{InputName}': {Describe(options.Input, imageSize)}. " +
            $"Output '{OutputName}': float [N,1,{imageSize},{imageSize}] foreground probability (sigmoid applied; > 0.5 is foreground)" +
            (options.MirrorAverage ? ", the mean of the answers for the image and its mirror image, as kernelgan segment computes." : ", the U-Net's single answer (no mirror averaging)."));
        return OnnxGraphBuilder.Model(graph, doc, metadata ?? []);
    }

    public static string Describe(SegmenterInput input, int size) => input switch
    {
        SegmenterInput.Float => $"float [N,3,{size},{size}] RGB in [-1,1]",
        SegmenterInput.Uint8Nchw => $"uint8 [N,3,{size},{size}] RGB 0..255",
        _ => $"uint8 [N,{size},{size},3] RGB 0..255",
    };

    /// <summary>
    /// The input as float NCHW in [-1, 1]: 2 * (v * (1/255)) - 1, the float operations ImageIo
    /// (v * (1/255)) and HostImage.ToMinusOneOne (2x - 1) apply to decoded pixels, so the
    /// U-Net sees the same values bit for bit.
    /// </summary>
    private static string ScaledInput(OnnxGraphBuilder b, SegmenterInput input)
    {
        if (input == SegmenterInput.Float) return InputName;
        string x = b.Node("Cast", "image_float", [InputName], OnnxAttribute.Int("to", (long)OnnxDataType.Float));
        if (input == SegmenterInput.Uint8Nhwc) x = b.Node("Transpose", "image_nchw", [x], OnnxAttribute.IntList("perm", 0, 3, 1, 2));
        string unit = b.Node("Mul", "image_unit", [x, b.Scalar("one_255th", 1f / 255f)]);
        string twice = b.Node("Mul", "image_twice", [unit, b.Scalar("two", 2f)]);
        return b.Node("Sub", "image_scaled", [twice, b.Scalar("one", 1f)]);
    }

    /// <summary>Reverses the last (width) axis: a Slice with step -1 from the last column past the first.</summary>
    private static string Mirror(OnnxGraphBuilder b, string x, string name) =>
        b.Node("Slice", name, [x, b.Int64s($"{name}.starts", -1), b.Int64s($"{name}.ends", long.MinValue),
                               b.Int64s($"{name}.axes", 3), b.Int64s($"{name}.steps", -1)]);

    /// <summary>The U-Net's logits: UNet.Forward, layer by layer.</summary>
    private static string UNetGraph(OnnxGraphBuilder b, UNet unet, string x)
    {
        var skips = new List<string>();
        for (int level = 0; level < unet.DownBlocks.Count; level++)
        {
            x = Block(b, unet.DownBlocks[level], x, $"down{level}");
            skips.Add(x);
            x = b.Node("AveragePool", $"down{level}.pool", [x],
                OnnxAttribute.IntList("kernel_shape", 2, 2), OnnxAttribute.IntList("strides", 2, 2));
        }
        x = Block(b, unet.Bottom, x, "bottom");
        for (int i = 0; i < unet.UpBlocks.Count; i++)
        {
            int level = unet.UpBlocks.Count - 1 - i;
            // Nearest 2x upsampling: with "asymmetric" coordinates and floor rounding, output pixel
            // (y, x) reads input (y / 2, x / 2), as UpsampleNearest does.
            string up = b.Node("Resize", $"up{level}.upsample",
                [x, "", b.Floats($"up{level}.scales", [1f, 1f, 2f, 2f], 4)],
                OnnxAttribute.String("mode", "nearest"),
                OnnxAttribute.String("coordinate_transformation_mode", "asymmetric"),
                OnnxAttribute.String("nearest_mode", "floor"));
            string joined = b.Node("Concat", $"up{level}.concat", [up, skips[level]], OnnxAttribute.Int("axis", 1));
            x = Block(b, unet.UpBlocks[i], joined, $"up{level}");
        }
        return LayerExport.Conv(b, unet.Head, x, "head");
    }

    private static string Block(OnnxGraphBuilder b, UNet.ConvBlock block, string x, string name)
    {
        var (c1, n1) = block.First;
        var (c2, n2) = block.Second;
        x = LayerExport.Relu(b, LayerExport.BatchNorm(b, n1, LayerExport.Conv(b, c1, x, $"{name}.c1"), $"{name}.n1"), $"{name}.relu1");
        return LayerExport.Relu(b, LayerExport.BatchNorm(b, n2, LayerExport.Conv(b, c2, x, $"{name}.c2"), $"{name}.n2"), $"{name}.relu2");
    }
}
