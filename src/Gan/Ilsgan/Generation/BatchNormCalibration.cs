using KernelGan.Kernels;
using KernelGan.Nn;

namespace KernelGan.Gan.Ilsgan.Generation;

/// <summary>
/// Freezes a generator's batch norms at the statistics of the untruncated prior. The generator is
/// trained (and sampled for the segmenter) with batch statistics, and its first layer is a
/// bias-free transposed conv of z followed by a batch norm: any common scaling of the batch's
/// latents is divided out there, so truncation would change nothing. Here every batch norm's
/// running mean and variance become the exact average of its batch statistics over
/// <c>batches</c> batches of z ~ N(0, 1) (a cumulative average: the k-th batch gets weight 1/k),
/// and the generator is switched to evaluation mode, where each sample depends on its own z only.
/// </summary>
public static class BatchNormCalibration
{
    public static void Calibrate(LayeredGenerator g, Rng rng, int batches, int batch, IBackend backend)
    {
        var norms = g.Modules().OfType<BatchNorm2d>().ToList();
        var momenta = norms.Select(n => n.Momentum).ToList();
        g.Train();
        try
        {
            for (int k = 1; k <= batches; k++)
            {
                foreach (var n in norms) n.Momentum = 1f / k;
                using var scope = new TensorScope();
                using var _ = Tensor.NoGrad();
                var (zf, zb) = g.SampleLatents(rng, batch, backend);
                g.Forward(zf, zb);
            }
        }
        finally
        {
            for (int i = 0; i < norms.Count; i++) norms[i].Momentum = momenta[i];
        }
        g.Eval();
    }
}
