using KernelGan.Gan.Onnx;
using KernelGan.Tests.Data;
using Xunit;

namespace KernelGan.Tests.Onnx;

/// <summary>OnnxFeatureNetwork: an ONNX file as IFeatureNetwork, features checked against OnnxRuntime on the same file.</summary>
public class FeatureNetworkTests
{
    [Theory]
    [InlineData(FeatureInputRange.ZeroOne)]
    [InlineData(FeatureInputRange.ImageNet)]
    [InlineData(FeatureInputRange.MinusOneOne)]
    public void FeaturesAreOnnxRuntimesOnTheRescaledImagesInBatches(FeatureInputRange range)
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "features.onnx");
        OnnxModelWriter.WriteFile(path, TestNetworks.InceptionLike(3));
        const int n = 5, size = 33, plane = size * size;
        var random = new Random(7);
        var images = Enumerable.Range(0, n * 3 * plane).Select(_ => (float)random.NextDouble()).ToArray();

        using var network = OnnxFeatureNetwork.Load(path, Device.Cpu, range, batch: 2); // 5 images: batches of 2, 2, 1
        Assert.Equal(size, network.InputSize);
        Assert.Equal(46, network.FeatureCount);
        var ours = network.Features(images, n);

        // What the network expects, computed here from the definition of each range.
        float[] mean = [0.485f, 0.456f, 0.406f], std = [0.229f, 0.224f, 0.225f];
        var fed = images.Select((v, i) => range switch
        {
            FeatureInputRange.ImageNet => (v - mean[i / plane % 3]) / std[i / plane % 3],
            FeatureInputRange.MinusOneOne => 2f * v - 1f,
            _ => v,
        }).ToArray();
        var theirs = OnnxRuntimeReference.Run(File.ReadAllBytes(path), new OnnxRuntimeReference.Input(TestNetworks.Input, [n, 3, size, size], fed))[TestNetworks.Features];
        float diff = OnnxRuntimeReference.MaxAbsDifference(ours, theirs);
        Assert.True(diff <= 1e-4f, $"max abs difference {diff}");
    }

    [Fact]
    public void ANamedOutputIsUsedAndAMissingOneIsNamed()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "features.onnx");
        OnnxModelWriter.WriteFile(path, TestNetworks.InceptionLike(3));
        using (var probabilities = OnnxFeatureNetwork.Load(path, Device.Cpu, output: TestNetworks.Probabilities))
            Assert.Equal(4, probabilities.FeatureCount);
        var e = Assert.Throws<OnnxException>(() => OnnxFeatureNetwork.Load(path, Device.Cpu, output: "logits"));
        Assert.Contains("no output 'logits'", e.Message);
    }

    [Fact]
    public void BrokenFilesGiveOneLineErrors()
    {
        using var dir = new TempDirectory();
        string truncated = Path.Combine(dir.Path, "truncated.onnx");
        var bytes = OnnxModelWriter.ToBytes(TestNetworks.InceptionLike(3));
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<OnnxFormatException>(() => OnnxFeatureNetwork.Load(truncated, Device.Cpu));
        Assert.Contains("truncated.onnx", e.Message);
        Assert.DoesNotContain("\n", e.Message);
        string png = Path.Combine(dir.Path, "image.onnx");
        File.WriteAllBytes(png, [0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10]);
        Assert.Throws<OnnxFormatException>(() => OnnxFeatureNetwork.Load(png, Device.Cpu));
        Assert.Throws<KernelGan.Gan.Data.DataException>(() => OnnxFeatureNetwork.Load(Path.Combine(dir.Path, "missing.onnx"), Device.Cpu));
        // A graph with an op the interpreter lacks: refused at load, naming the file, the op and its node.
        var b = new KernelGan.Gan.Onnx.Export.OnnxGraphBuilder();
        b.Node("GlobalAveragePool", "pooled", [b.Node("Erf", "erf_1", [TestNetworks.Input])]);
        OnnxDim n = OnnxDim.Symbolic("N"), s = OnnxDim.Fixed(8), three = OnnxDim.Fixed(3);
        string unsupported = Path.Combine(dir.Path, "erf.onnx");
        OnnxModelWriter.WriteFile(unsupported, KernelGan.Gan.Onnx.Export.OnnxGraphBuilder.Model(b.Build("g",
            [new OnnxValueInfo(TestNetworks.Input, OnnxDataType.Float, [n, three, s, s])], [new OnnxValueInfo("pooled", OnnxDataType.Float, null)]), "", []));
        var unsupportedError = Assert.Throws<OnnxException>(() => OnnxFeatureNetwork.Load(unsupported, Device.Cpu));
        Assert.Contains("erf.onnx", unsupportedError.Message);
        Assert.Contains("op 'Erf' (Erf node 'erf_1')", unsupportedError.Message);
    }
}
