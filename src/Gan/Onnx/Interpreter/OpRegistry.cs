using KernelGan.Kernels;

namespace KernelGan.Gan.Onnx.Interpreter;

/// <summary>One op's implementation: the node's output values from its inputs and attributes.</summary>
public delegate OnnxValue[] OpKernel(OpContext c);

/// <summary>
/// The ONNX ops the interpreter runs, by op type (default domain): what Inception-style feature
/// networks and our own exports use. A graph with any other op is refused when it is loaded,
/// naming the op and its node.
/// </summary>
public static class OpRegistry
{
    private static readonly Dictionary<string, OpKernel> Kernels = new()
    {
        ["Conv"] = ConvolutionOps.Conv,
        ["ConvTranspose"] = ConvolutionOps.ConvTranspose,
        ["BatchNormalization"] = NormalizationOps.BatchNormalization,
        ["Relu"] = ElementwiseOps.Unary(Ops.Relu),
        ["Sigmoid"] = ElementwiseOps.Unary(Ops.Sigmoid),
        ["Tanh"] = ElementwiseOps.Unary(Ops.Tanh),
        ["Exp"] = ElementwiseOps.Unary(Ops.Exp),
        ["Sqrt"] = ElementwiseOps.Unary(Ops.Sqrt),
        ["Neg"] = ElementwiseOps.Unary(Ops.Neg),
        ["Abs"] = ElementwiseOps.Unary(Ops.Abs),
        ["LeakyRelu"] = ElementwiseOps.LeakyRelu,
        ["Clip"] = ElementwiseOps.Clip,
        ["Identity"] = ElementwiseOps.Identity,
        ["Dropout"] = ElementwiseOps.Identity, // inference: no dropping
        ["Add"] = ElementwiseOps.Binary(BinaryOp.Add, (a, b) => a + b),
        ["Sub"] = ElementwiseOps.Binary(BinaryOp.Sub, (a, b) => a - b),
        ["Mul"] = ElementwiseOps.Binary(BinaryOp.Mul, (a, b) => a * b),
        ["Div"] = ElementwiseOps.Binary(BinaryOp.Div, (a, b) => a / b),
        ["MaxPool"] = PoolingOps.MaxPool,
        ["AveragePool"] = PoolingOps.AveragePool,
        ["GlobalAveragePool"] = PoolingOps.GlobalAveragePool,
        ["Gemm"] = LinearOps.Gemm,
        ["MatMul"] = LinearOps.MatMul,
        ["Softmax"] = NormalizationOps.Softmax,
        ["ReduceMean"] = NormalizationOps.ReduceMean,
        ["Concat"] = ShapeOps.Concat,
        ["Flatten"] = ShapeOps.Flatten,
        ["Reshape"] = ShapeOps.Reshape,
        ["Squeeze"] = ShapeOps.Squeeze,
        ["Unsqueeze"] = ShapeOps.Unsqueeze,
        ["Transpose"] = ShapeOps.Transpose,
        ["Shape"] = ShapeOps.ShapeOf,
        ["Gather"] = ShapeOps.Gather,
        ["Slice"] = ShapeOps.Slice,
        ["Split"] = ShapeOps.Split,
        ["Pad"] = ShapeOps.Pad,
        ["Constant"] = ShapeOps.Constant,
        ["ConstantOfShape"] = ShapeOps.ConstantOfShape,
        ["Cast"] = ShapeOps.Cast,
        ["Resize"] = ResizeOps.Resize,
        ["Upsample"] = ResizeOps.Upsample,
    };

    public static IEnumerable<string> Supported => Kernels.Keys.Order(StringComparer.Ordinal);

    public static OpKernel Find(OnnxNode node)
    {
        if (node.Domain is not ("" or "ai.onnx") || !Kernels.TryGetValue(node.OpType, out var kernel))
            throw new OnnxException($"onnx: op '{(node.Domain is "" or "ai.onnx" ? "" : node.Domain + ".")}{node.OpType}' ({node.Describe()}) is not supported by KernelGan's interpreter (it runs: {string.Join(", ", Supported)})");
        return kernel;
    }
}
