using KernelGan.Nn;

namespace KernelGan.Gan.Onnx.Export;

/// <summary>
/// Our <c>Nn</c> layers as standard ONNX ops, with their weights as initializers named after the
/// layer (<c>{name}.weight</c>). The weight layouts already match ONNX's: Conv [Cout, Cin, kh, kw],
/// ConvTranspose [Cin, Cout, kh, kw] (both PyTorch's, which ONNX follows).
/// </summary>
public static class LayerExport
{
    public static string Conv(OnnxGraphBuilder b, Conv2d layer, string x, string name)
    {
        if (layer.SpectralNorm is not null) throw new OnnxException($"onnx export: {name} is spectrally normalized, which is not exported");
        var k = layer.Weight.Shape;
        var inputs = new List<string> { x, b.Weight($"{name}.weight", layer.Weight) };
        if (layer.Bias is not null) inputs.Add(b.Weight($"{name}.bias", layer.Bias));
        return b.Node("Conv", name, [.. inputs],
            OnnxAttribute.IntList("kernel_shape", k[2], k[3]),
            OnnxAttribute.IntList("strides", layer.Stride, layer.Stride),
            OnnxAttribute.IntList("pads", layer.Padding, layer.Padding, layer.Padding, layer.Padding));
    }

    public static string ConvTranspose(OnnxGraphBuilder b, ConvTranspose2d layer, string x, string name)
    {
        var k = layer.Weight.Shape;
        var inputs = new List<string> { x, b.Weight($"{name}.weight", layer.Weight) };
        if (layer.Bias is not null) inputs.Add(b.Weight($"{name}.bias", layer.Bias));
        // ONNX's output size is stride*(in-1) + k - pad_begin - pad_end, ours (in-1)*s - 2p + k: the same.
        return b.Node("ConvTranspose", name, [.. inputs],
            OnnxAttribute.IntList("kernel_shape", k[2], k[3]),
            OnnxAttribute.IntList("strides", layer.Stride, layer.Stride),
            OnnxAttribute.IntList("pads", layer.Padding, layer.Padding, layer.Padding, layer.Padding));
    }

    /// <summary>
    /// Inference-mode batch norm with the layer's running statistics. Only a layer in evaluation
    /// mode computes that; one in training mode normalizes with batch statistics, which no
    /// per-sample graph reproduces, so it is refused (the generator is frozen first, see
    /// <see cref="Generation.BatchNormCalibration"/>).
    /// </summary>
    public static string BatchNorm(OnnxGraphBuilder b, BatchNorm2d layer, string x, string name)
    {
        if (layer.Training)
            throw new InvalidOperationException($"onnx export: {name} is in training mode (batch statistics); switch the model to evaluation mode first");
        return b.Node("BatchNormalization", name,
            [x, b.Weight($"{name}.weight", layer.Gamma), b.Weight($"{name}.bias", layer.Beta),
             b.Weight($"{name}.running_mean", layer.RunningMean), b.Weight($"{name}.running_var", layer.RunningVar)],
            OnnxAttribute.Float("epsilon", layer.Eps));
    }

    public static string Relu(OnnxGraphBuilder b, string x, string name) => b.Node("Relu", name, [x]);
}
