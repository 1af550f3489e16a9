using KernelGan.Gan.Data;
using KernelGan.Gan.Models;
using KernelGan.Gan.Training;
using KernelGan.Kernels;

namespace KernelGan.Gan.Ilsgan.Generation;

/// <summary>One generated sample with its place in the sequence and, when a discriminator was given, D's logit for its composite.</summary>
public sealed record ScoredSample(int Index, GeneratedSample Layers, float? Score);

/// <summary>
/// The sequence of samples `kernelgan generate` draws: batches of <c>batch</c> latents from
/// one seeded stream, each z scaled by the truncation psi, through the generator without
/// gradients. The sequence is a function of (generator, seed, batch, psi) alone, so it can be drawn
/// twice (once to score, once to write the kept ones) and gives the same samples both times: in
/// batch-statistics mode a sample depends on its batch, and the batches are the same.
/// </summary>
public sealed class GeneratedBatches(LayeredGenerator generator, Discriminator? discriminator, int batch, float truncation, IBackend backend)
{
    public IEnumerable<ScoredSample> Draw(ulong seed, int count)
    {
        var rng = new Rng(SeedStreams.Generated(seed));
        int size = generator.Architecture.ImageSize, plane = size * size;
        discriminator?.Eval(); // scoring must not move spectral norm's power-iteration vectors
        for (int start = 0; start < count; start += batch)
        {
            float[] comp, fg, bg, mask;
            float[]? scores = null;
            using (var scope = new TensorScope())
            using (Tensor.NoGrad())
            {
                var (zf, zb) = generator.SampleLatents(rng, batch, backend);
                if (truncation != 1f) { zf = zf * truncation; zb = zb * truncation; }
                var layers = generator.Forward(zf, zb);
                var composite = layers.Composite();
                comp = composite.ToArray();
                fg = layers.Foreground.ToArray();
                bg = layers.Background.ToArray();
                mask = layers.Mask.ToArray();
                if (discriminator is not null) scores = MeanLogits(discriminator.Forward(composite));
            }
            for (int i = 0; i < batch && start + i < count; i++)
                yield return new ScoredSample(start + i, new GeneratedSample(
                    HostImage.FromMinusOneOne(comp.AsSpan(i * 3 * plane, 3 * plane), 3, size, size),
                    HostImage.FromMinusOneOne(fg.AsSpan(i * 3 * plane, 3 * plane), 3, size, size),
                    HostImage.FromMinusOneOne(bg.AsSpan(i * 3 * plane, 3 * plane), 3, size, size),
                    HostImage.MaskFrom(mask.AsSpan(i * plane, plane), size, size)), scores?[i]);
        }
    }

    /// <summary>One score per image: the global head's logit, or the mean of the patch head's cells.</summary>
    private static float[] MeanLogits(Tensor logits)
    {
        var values = logits.ToArray();
        int n = logits.Shape[0], per = values.Length / n;
        var result = new float[n];
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int j = 0; j < per; j++) sum += values[i * per + j];
            result[i] = (float)(sum / per);
        }
        return result;
    }
}
