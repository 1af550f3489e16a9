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

    [Fact]
    public void PredictInBoxes_is_the_crops_mask_pasted_back_and_zero_outside_the_box()
    {
        var unet = new UNet(Device.Cpu, new Rng(7), width: 8, depth: 2);
        var predictor = new MaskPredictor(unet, Size, Device.Cpu);
        var random = new Random(11);
        var image = new HostImage(3, 30, 40);
        for (int i = 0; i < image.Data.Length; i++) image.Data[i] = (float)random.NextDouble();
        var box = new BoxSpec(12.5, 8, 10, 9, "test");

        var mask = predictor.PredictInBoxes(image, [box]);

        var window = CropWindow.AroundBox(box.X, box.Y, box.Width, box.Height);
        var unbounded = ImageOps.PasteCropMask(predictor.Predict([ImageOps.Crop(image, window, OutsideFill.EdgeReplicate)])[0], window, 30, 40, binarize: false);
        int marginLit = 0;
        for (int y = 0; y < 30; y++)
            for (int x = 0; x < 40; x++)
            {
                bool inBox = x >= 12 && x < 23 && y >= 8 && y < 17;
                Assert.Equal(inBox ? unbounded[0, y, x] : 0f, mask[0, y, x]);
                if (!inBox && unbounded[0, y, x] > 0f) marginLit++;
            }
        Assert.True(marginLit > 0, "the untrained U-Net marks the crop's margin, so the bound has something to remove");
    }
}
