using KernelGan.Gan.Onnx;
using KernelGan.Gan.Onnx.Export;
using KernelGan.Gan.Onnx.Interpreter;
using KernelGan.Gan.Segmentation;
using Xunit;
using Xunit.Abstractions;

namespace KernelGan.Tests.Onnx;

/// <summary>Our ONNX interpreter (on the CPU backend) against OnnxRuntime on the same files and inputs.</summary>
public class InterpreterTests(ITestOutputHelper output)
{
    private static float[] Uniform(int seed, int count, float lo, float hi)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => lo + (float)random.NextDouble() * (hi - lo)).ToArray();
    }

    private void AssertClose(string what, float[] ours, float[] theirs)
    {
        float diff = OnnxRuntimeReference.MaxAbsDifference(ours, theirs);
        output.WriteLine($"{what}: max |interpreter - OnnxRuntime| = {diff:E2} over {ours.Length} values");
        Assert.True(diff <= 1e-4f, $"{what}: max abs difference {diff}");
    }

    [Fact]
    public void AnInceptionLikeNetworkMatchesOnnxRuntime()
    {
        const int n = 3, size = 33;
        var bytes = OnnxModelWriter.ToBytes(TestNetworks.InceptionLike(1, size));
        var images = Uniform(2, n * 3 * size * size, 0f, 1f);
        var theirs = OnnxRuntimeReference.Run(bytes, new OnnxRuntimeReference.Input(TestNetworks.Input, [n, 3, size, size], images));
        using var interpreter = new OnnxInterpreter(OnnxModelReader.Read(bytes), Device.Cpu);
        var ours = interpreter.Run((TestNetworks.Input, images, [n, 3, size, size]));
        AssertClose("features", ours[TestNetworks.Features], theirs[TestNetworks.Features]);
        AssertClose("probabilities", ours[TestNetworks.Probabilities], theirs[TestNetworks.Probabilities]);
        // Both outputs carry information (not constants any graph would reproduce).
        Assert.True(ours[TestNetworks.Probabilities].Max() - ours[TestNetworks.Probabilities].Min() > 0.05f);
        // A second run on the same interpreter (weights already uploaded) gives the same numbers.
        Assert.Equal(ours[TestNetworks.Features], interpreter.Run((TestNetworks.Input, images, [n, 3, size, size]))[TestNetworks.Features]);
    }

    [Fact]
    public void TheExportedSegmenterRunsInTheInterpreterAsInOnnxRuntime()
    {
        const int n = 2, size = 32;
        var unet = SegmenterExportTests.RandomUNet(4, 8, 2);
        unet.Eval();
        var bytes = OnnxModelWriter.ToBytes(SegmenterExport.Build(unet, size));
        var images = SegmenterExportTests.RandomImages(6, n, size);
        var theirs = OnnxRuntimeReference.Run(bytes, new OnnxRuntimeReference.Input(SegmenterExport.InputName, [n, 3, size, size], images))[SegmenterExport.OutputName];
        using var interpreter = new OnnxInterpreter(OnnxModelReader.Read(bytes), Device.Cpu);
        var ours = interpreter.Run((SegmenterExport.InputName, images, [n, 3, size, size]))[SegmenterExport.OutputName];
        AssertClose("segmenter", ours, theirs);
        AssertClose("segmenter vs MaskPredictor", ours, new MaskPredictor(unet, size, Device.Cpu).PredictBatch(images, n));
    }

    [Fact]
    public void TheExportedGeneratorRunsInTheInterpreterAsInOnnxRuntime()
    {
        const int n = 2;
        var arch = KernelGan.Gan.Models.Architecture.Preset("small", 32);
        var g = GeneratorExportTests.FrozenGenerator(arch, sharedLatent: true, 8);
        var bytes = OnnxModelWriter.ToBytes(GeneratorExport.Build(g));
        var z = Uniform(3, n * arch.LatentDim, -2f, 2f);
        var theirs = OnnxRuntimeReference.Run(bytes, new OnnxRuntimeReference.Input(GeneratorExport.SharedInput, [n, arch.LatentDim], z));
        using var interpreter = new OnnxInterpreter(OnnxModelReader.Read(bytes), Device.Cpu);
        var ours = interpreter.Run((GeneratorExport.SharedInput, z, [n, arch.LatentDim]));
        foreach (var name in new[] { GeneratorExport.Composite, GeneratorExport.Foreground, GeneratorExport.Background, GeneratorExport.Mask })
            AssertClose(name, ours[name], theirs[name]);
    }

    [Fact]
    public void AnUnsupportedOpIsRefusedAtLoadNamingItAndItsNode()
    {
        var b = new OnnxGraphBuilder();
        b.Node("Erf", "smooth", ["x"]);
        var graph = b.Build("g", [new OnnxValueInfo("x", OnnxDataType.Float, [OnnxDim.Fixed(1)])], [new OnnxValueInfo("smooth", OnnxDataType.Float, [OnnxDim.Fixed(1)])]);
        var e = Assert.Throws<OnnxException>(() => new OnnxInterpreter(OnnxGraphBuilder.Model(graph, "", []), Device.Cpu));
        Assert.Contains("'Erf'", e.Message);
        Assert.Contains("node 'smooth'", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void AnInputOfTheWrongShapeIsNamed()
    {
        using var interpreter = new OnnxInterpreter(TestNetworks.InceptionLike(1), Device.Cpu);
        var e = Assert.Throws<OnnxException>(() => interpreter.Run((TestNetworks.Input, new float[3 * 32 * 32], [1, 3, 32, 32])));
        Assert.Contains("'images' must be [N,3,33,33]", e.Message);
    }
}
