using KernelGan.Gan.Onnx;
using KernelGan.Gan.Onnx.Export;
using KernelGan.Gan.Segmentation;
using Xunit;
using Xunit.Abstractions;
using KernelGan.Nn;

namespace KernelGan.Tests.Onnx;

/// <summary>
/// The exported U-Net segmenter, run by OnnxRuntime, gives MaskPredictor.PredictBatch's
/// probabilities (mirror averaging included) at every training size, for float and uint8 inputs.
/// </summary>
public class SegmenterExportTests(ITestOutputHelper output)
{
    /// <summary>A U-Net with random weights and random batch-norm statistics, so every exported number matters.</summary>
    internal static UNet RandomUNet(int seed, int width = 16, int depth = 3)
    {
        var unet = new UNet(Device.Cpu, new Rng((ulong)seed), 3, width, depth);
        var rng = new Rng((ulong)seed + 1000);
        foreach (var bn in unet.Modules().OfType<BatchNorm2d>())
        {
            int c = bn.Gamma.Count;
            using (TensorScope.Suspend())
            {
                using var gamma = rng.Uniform([c], 0.5f, 1.5f);
                using var beta = rng.Uniform([c], -0.3f, 0.3f);
                using var mean = rng.Uniform([c], -0.2f, 0.2f);
                using var variance = rng.Uniform([c], 0.5f, 2f);
                bn.Gamma.CopyFrom(gamma);
                bn.Beta.CopyFrom(beta);
                bn.RunningMean.CopyFrom(mean);
                bn.RunningVar.CopyFrom(variance);
            }
        }
        // The head's default init gives logits near 0 (probabilities within 0.45-0.55); a larger
        // head spreads them, so a wrong export cannot hide in a flat answer.
        using (TensorScope.Suspend())
        {
            var head = unet.NamedParameters().Single(p => p.Name == "head.weight").Value;
            using var louder = Ops.Affine(head, 10f, 0f);
            head.CopyFrom(louder);
        }
        return unet;
    }

    internal static float[] RandomImages(int seed, int n, int size)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n * 3 * size * size).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    [Theory]
    [InlineData(32, 16, 3)]
    [InlineData(64, 16, 3)]
    [InlineData(128, 16, 3)]
    [InlineData(32, 8, 2)]
    public void OnnxRuntimeMatchesMaskPredictor(int size, int width, int depth)
    {
        const int n = 3;
        var unet = RandomUNet(size + width, width, depth);
        unet.Eval();
        var model = OnnxModelWriter.ToBytes(SegmenterExport.Build(unet, size));
        var images = RandomImages(size, n, size);

        var ours = new MaskPredictor(unet, size, Device.Cpu).PredictBatch(images, n);
        var theirs = OnnxRuntimeReference.Run(model, new OnnxRuntimeReference.Input(SegmenterExport.InputName, [n, 3, size, size], images))[SegmenterExport.OutputName];

        float diff = OnnxRuntimeReference.MaxAbsDifference(ours, theirs);
        output.WriteLine($"segmenter {size}px width {width} depth {depth}: max |ours - OnnxRuntime| = {diff:E2}");
        Assert.True(diff <= 1e-4f, $"max abs difference {diff}");
        // The outputs are probabilities that vary (not a constant that any graph would match).
        Assert.True(ours.Max() - ours.Min() > 0.02f, $"probabilities span only [{ours.Min()}, {ours.Max()}]");
    }

    [Fact]
    public void WithoutMirrorAveragingItIsTheUNetsSingleAnswer()
    {
        const int n = 2, size = 32;
        var unet = RandomUNet(5, 8, 2);
        unet.Eval();
        var model = OnnxModelWriter.ToBytes(SegmenterExport.Build(unet, size, new SegmenterExportOptions(MirrorAverage: false)));
        var images = RandomImages(9, n, size);
        float[] ours;
        using (new TensorScope())
        using (Tensor.NoGrad())
            ours = Ops.Sigmoid(unet.Forward(Tensor.FromArray(images, [n, 3, size, size], Device.Cpu))).ToArray();
        var theirs = OnnxRuntimeReference.Run(model, new OnnxRuntimeReference.Input(SegmenterExport.InputName, [n, 3, size, size], images))[SegmenterExport.OutputName];
        Assert.True(OnnxRuntimeReference.MaxAbsDifference(ours, theirs) <= 1e-4f);
        // ...which is not the mirror-averaged answer the default export gives.
        var averaged = new MaskPredictor(unet, size, Device.Cpu).PredictBatch(images, n);
        Assert.True(OnnxRuntimeReference.MaxAbsDifference(averaged, theirs) > 1e-3f);
    }

    [Theory]
    [InlineData(SegmenterInput.Uint8Nchw)]
    [InlineData(SegmenterInput.Uint8Nhwc)]
    public void Uint8InputsGiveWhatTheFloatPathGivesForTheSamePixels(SegmenterInput input)
    {
        const int n = 2, size = 32, plane = size * size;
        var unet = RandomUNet(11, 8, 2);
        unet.Eval();
        var model = OnnxModelWriter.ToBytes(SegmenterExport.Build(unet, size, new SegmenterExportOptions(input)));
        var random = new Random(4);
        var pixels = new byte[n * 3 * plane]; // NCHW
        random.NextBytes(pixels);
        // What the library does with decoded pixels: v * (1/255) (ImageIo), then 2x - 1 (ToMinusOneOne).
        var scaled = pixels.Select(v => 2f * (v * (1f / 255f)) - 1f).ToArray();
        var ours = new MaskPredictor(unet, size, Device.Cpu).PredictBatch(scaled, n);

        byte[] fed = pixels;
        int[] shape = [n, 3, size, size];
        if (input == SegmenterInput.Uint8Nhwc)
        {
            fed = new byte[pixels.Length];
            for (int i = 0; i < n; i++)
            for (int c = 0; c < 3; c++)
            for (int p = 0; p < plane; p++)
                fed[(i * plane + p) * 3 + c] = pixels[(i * 3 + c) * plane + p];
            shape = [n, size, size, 3];
        }
        var theirs = OnnxRuntimeReference.Run(model, new OnnxRuntimeReference.Input(SegmenterExport.InputName, shape, Bytes: fed))[SegmenterExport.OutputName];
        float diff = OnnxRuntimeReference.MaxAbsDifference(ours, theirs);
        Assert.True(diff <= 1e-4f, $"max abs difference {diff}");
    }

    [Fact]
    public void ATrainingModeUNetIsRefused()
    {
        var unet = RandomUNet(1, 8, 2); // modules start in training mode (batch statistics)
        Assert.Throws<InvalidOperationException>(() => SegmenterExport.Build(unet, 32));
    }
}
