using KernelGan.Gan.Losses;
using KernelGan.Kernels;
using KernelGan.Nn.Optim;

namespace KernelGan.Gan.Segmentation;

/// <summary>
/// The pieces of <see cref="SegmenterFitLoop"/> that are tested on their own: one supervised step
/// on per-pixel binary targets, and a snapshot of the weights (to keep the best ones seen at
/// validation) with its restore.
/// </summary>
public static class UNetFitting
{
    /// <summary>One Adam step of per-pixel BCE on images [N, 3, S, S] against targets [N, C, S, S]; returns the loss.</summary>
    public static float Step(UNet unet, Adam adam, float[] images, float[] targets, int batch, int targetChannels, int size, IBackend backend)
    {
        using var scope = new TensorScope();
        unet.Train();
        adam.ZeroGrad();
        var x = Tensor.FromArray(images, [batch, 3, size, size], backend);
        var y = Tensor.FromArray(targets, [batch, targetChannels, size, size], backend);
        var loss = SegmentationLoss.BinaryCrossEntropy(unet.Forward(x), y);
        loss.Backward();
        adam.Step();
        return loss.Item();
    }

    public static List<float[]> Snapshot(UNet unet) => unet.StateTensors().Select(t => t.Value.ToArray()).ToList();

    public static void Restore(UNet unet, List<float[]> state)
    {
        int i = 0;
        foreach (var (_, t) in unet.StateTensors()) t.Backend.Upload(state[i++], t.Buffer);
    }
}
