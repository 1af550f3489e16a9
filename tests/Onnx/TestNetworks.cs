using KernelGan.Gan.Onnx;
using KernelGan.Gan.Onnx.Export;

namespace KernelGan.Tests.Onnx;

/// <summary>
/// Small ONNX networks written with our own writer, for checking the interpreter against
/// OnnxRuntime: an Inception-like feature network that uses every op an Inception-v3 export
/// uses (and the shape arithmetic PyTorch's exporter emits), in the awkward forms (asymmetric
/// and SAME padding, 1x7/7x1 kernels, ceil-mode pooling, both average-pool divisors).
/// </summary>
public static class TestNetworks
{
    public const string Input = "images", Features = "features", Probabilities = "probabilities";

    /// <summary>Input [N, 3, size, size] (size 33 makes the strided and ceil-mode windows uneven); outputs the pooled features [N, 46] and class probabilities [N, 4].</summary>
    public static OnnxModel InceptionLike(int seed, int size = 33)
    {
        var random = new Random(seed);
        var b = new OnnxGraphBuilder();
        int weights = 0;
        string W(params long[] dims)
        {
            long count = dims.Aggregate(1L, (x, y) => x * y), fan = count / dims[0];
            float bound = 1.5f / MathF.Sqrt(fan);
            return b.Floats($"w{weights++}", Enumerable.Range(0, (int)count).Select(_ => (float)(random.NextDouble() * 2 - 1) * bound).ToArray(), dims);
        }
        string Positive(int n) => b.Floats($"w{weights++}", Enumerable.Range(0, n).Select(_ => 0.5f + (float)random.NextDouble()).ToArray(), n);
        string Conv(string x, string name, long cout, long cin, long kh, long kw, params OnnxAttribute[] attrs) =>
            b.Node("Conv", name, [x, W(cout, cin, kh, kw), W(cout)], [OnnxAttribute.IntList("kernel_shape", kh, kw), .. attrs]);

        // ImageNet-style normalization inside the graph, as torchvision exports have it.
        string x = b.Node("Sub", "centred", [Input, b.Floats("mean", [0.485f, 0.456f, 0.406f], 1, 3, 1, 1)]);
        x = b.Node("Div", "normalized", [x, b.Floats("std", [0.229f, 0.224f, 0.225f], 1, 3, 1, 1)]);
        // Stride 2 with asymmetric padding (end only), then inference batch norm.
        x = Conv(x, "stem", 8, 3, 3, 3, OnnxAttribute.IntList("strides", 2, 2), OnnxAttribute.IntList("pads", 0, 0, 1, 1));
        x = b.Node("BatchNormalization", "stem_bn", [x, Positive(8), W(8), W(8), Positive(8)], OnnxAttribute.Float("epsilon", 1e-3f));
        x = b.Node("Relu", "stem_relu", [x]);
        x = b.Node("MaxPool", "stem_pool", [x], OnnxAttribute.IntList("kernel_shape", 3, 3), OnnxAttribute.IntList("strides", 2, 2), OnnxAttribute.Int("ceil_mode", 1));

        var branches = new List<string>
        {
            b.Node("Relu", "a", [Conv(x, "a_conv", 6, 8, 1, 1)]),
            // Inception's factorized 7x7: 1x7 then 7x1.
            b.Node("Relu", "b", [Conv(Conv(x, "b_1x7", 6, 8, 1, 7, OnnxAttribute.IntList("pads", 0, 3, 0, 3)), "b_7x1", 6, 6, 7, 1, OnnxAttribute.IntList("pads", 3, 0, 3, 0))]),
            b.Node("LeakyRelu", "c", [Conv(b.Node("AveragePool", "c_pool", [x], OnnxAttribute.IntList("kernel_shape", 3, 3), OnnxAttribute.IntList("strides", 1, 1),
                OnnxAttribute.IntList("pads", 1, 1, 1, 1), OnnxAttribute.Int("count_include_pad", 0)), "c_conv", 4, 8, 1, 1)], OnnxAttribute.Float("alpha", 0.1f)),
            b.Node("AveragePool", "d", [x], OnnxAttribute.IntList("kernel_shape", 3, 3), OnnxAttribute.IntList("strides", 1, 1),
                OnnxAttribute.IntList("pads", 1, 1, 1, 1), OnnxAttribute.Int("count_include_pad", 1)),
            b.Node("MaxPool", "e", [x], OnnxAttribute.IntList("kernel_shape", 3, 3), OnnxAttribute.IntList("strides", 1, 1), OnnxAttribute.IntList("pads", 1, 1, 1, 1)),
            // SAME_UPPER at stride 2 (8 -> 4), then bilinear back to 8x8.
            b.Node("Resize", "f", [Conv(x, "f_conv", 4, 8, 3, 3, OnnxAttribute.String("auto_pad", "SAME_UPPER"), OnnxAttribute.IntList("strides", 2, 2)), "", b.Floats("f_scales", [1f, 1f, 2f, 2f], 4)],
                OnnxAttribute.String("mode", "linear"), OnnxAttribute.String("coordinate_transformation_mode", "half_pixel")),
            // H and W swapped, a mirrored copy, and constant padding then a 2x2 conv.
            Conv(b.Node("Transpose", "g_swap", [x], OnnxAttribute.IntList("perm", 0, 1, 3, 2)), "g", 3, 8, 1, 3, OnnxAttribute.IntList("pads", 0, 1, 0, 1)),
            Conv(b.Node("Slice", "h_mirror", [x, b.Int64s("h_starts", -1), b.Int64s("h_ends", long.MinValue), b.Int64s("h_axes", 3), b.Int64s("h_steps", -1)]), "h", 3, 8, 1, 1),
            Conv(b.Node("Pad", "i_pad", [x, b.Int64s("i_pads", 0, 0, 1, 0, 0, 0, 0, 1), b.Scalar("i_value", 0.5f)]), "i", 4, 8, 2, 2),
        };
        string joined = b.Node("Concat", "mixed", [.. branches], OnnxAttribute.Int("axis", 1));
        var halves = b.Node("Split", "mixed_split", 2, [joined, b.Int64s("split_sizes", 20, 26)], OnnxAttribute.Int("axis", 1));
        string rejoined = b.Node("Concat", "mixed_again", [halves[1], halves[0]], OnnxAttribute.Int("axis", 1));
        string pooled = b.Node("GlobalAveragePool", "pooled", [rejoined]);
        string features = b.Node("Squeeze", Features, [b.Node("Identity", "pooled_copy", [pooled]), b.Int64s("squeeze_axes", 2, 3)]);

        // PyTorch's flatten as exported: Shape -> Gather(0) -> Unsqueeze -> Concat(-1) -> Reshape.
        string batch = b.Node("Gather", "batch_dim", [b.Node("Shape", "pooled_shape", [pooled]), b.Int64s("zero", 0)], OnnxAttribute.Int("axis", 0));
        string target = b.Node("Concat", "flat_shape", [b.Node("Unsqueeze", "batch_vec", [b.Node("Squeeze", "batch_scalar", [batch]), b.Int64s("axis0", 0)]), b.Int64s("minus_one", -1)], OnnxAttribute.Int("axis", 0));
        string flat = b.Node("Reshape", "flat", [b.Node("Dropout", "dropped", [pooled]), target]);
        string logits = b.Node("Gemm", "fc", [flat, W(10, 46), W(10)], OnnxAttribute.Int("transB", 1), OnnxAttribute.Float("alpha", 0.9f));
        logits = b.Node("Clip", "fc_clipped", [logits, b.Scalar("lo", -3f), b.Scalar("hi", 3f)]);
        logits = b.Node("MatMul", "head", [b.Node("Tanh", "fc_tanh", [logits]), W(10, 4)]);
        string scaled = b.Node("Mul", "head_scaled", [logits, b.Node("Constant", "two", [], OnnxAttribute.Tensor("value", OnnxTensor.FromFloats("", [2f])))]);
        b.Node("Softmax", Probabilities, [scaled], OnnxAttribute.Int("axis", 1));

        OnnxDim n = OnnxDim.Symbolic("N");
        var graph = b.Build("inception_like", [new OnnxValueInfo(Input, OnnxDataType.Float, [n, OnnxDim.Fixed(3), OnnxDim.Fixed(size), OnnxDim.Fixed(size)])],
            [new OnnxValueInfo(Features, OnnxDataType.Float, [n, OnnxDim.Fixed(46)]), new OnnxValueInfo(Probabilities, OnnxDataType.Float, [n, OnnxDim.Fixed(4)])]);
        return OnnxGraphBuilder.Model(graph, "test network", []);
    }
}
