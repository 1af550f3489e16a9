using KernelGan.Gan.Data;
using KernelGan.Gan.Segmentation;
using Xunit;

namespace KernelGan.Tests.Segmentation;

public class MaskPredictorTests
{
    private const int Size = 16, Batch = 3, Plane = Size * Size;

    private static float[] RandomImages(int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, Batch * 3 * Plane).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    private static float[] Mirrored(float[] planes, int count)
    {
        var copy = planes.ToArray();
        ImageOps.FlipHorizontalInPlace(copy, count, Size, Size);
        return copy;
    }

    [Fact]
    public void PredictionsOfAMirroredImageAreTheMirroredPredictions()
    {
        var unet = new UNet(Device.Cpu, new Rng(5), width: 8, depth: 2);
        var images = RandomImages(3);

        // The network alone is not mirror-symmetric: without the averaging this test would fail.
        float[] RawForward(float[] x)
        {
            using var scope = new TensorScope();
            using var noGrad = Tensor.NoGrad();
            unet.Eval();
            var probabilities = Ops.Sigmoid(unet.Forward(Tensor.FromArray(x, [Batch, 3, Size, Size], Device.Cpu))).ToArray();
            unet.Train();
            return probabilities;
        }
        var raw = RawForward(images);
        var rawOfMirror = Mirrored(RawForward(Mirrored(images, 3 * Batch)), Batch);
        Assert.True(raw.Zip(rawOfMirror).Max(t => MathF.Abs(t.First - t.Second)) > 1e-3f);

        var predictor = new MaskPredictor(unet, Size, Device.Cpu);
        var direct = predictor.PredictBatch(images, Batch);
        var ofMirror = Mirrored(predictor.PredictBatch(Mirrored(images, 3 * Batch), Batch), Batch);
        for (int i = 0; i < direct.Length; i++) Assert.Equal(direct[i], ofMirror[i], 6);
        // ...and it is the mean of the two raw answers.
        for (int i = 0; i < direct.Length; i++) Assert.Equal(0.5f * (raw[i] + rawOfMirror[i]), direct[i], 5);
    }
}
