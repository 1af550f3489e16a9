namespace KernelGan.Gan.Ilsgan;

/// <summary>
/// A fixed [1,2,1] x [1,2,1] / 16 blur of a logit map [N, 1, S, S] with replicated edges, made of
/// existing ops (edge concat, then two 2x2 stride-1 average pools). Its response at the Nyquist
/// frequency is exactly zero, so the last transposed convolution cannot paint a one-pixel
/// checkerboard into the mask: without the centre prior that dither satisfied both mask priors
/// and fooled D on the synthetic blobs (docs/ilsgan-official.md). StyleGAN2, the official
/// generator, low-passes after every upsampling for the same reason.
/// </summary>
public static class MaskBlur
{
    public static Tensor Apply(Tensor logit)
    {
        int h = logit.Shape[2], w = logit.Shape[3];
        var padded = Ops.Concat(3, Ops.Narrow(logit, 3, 0, 1), logit, Ops.Narrow(logit, 3, w - 1, 1));
        padded = Ops.Concat(2, Ops.Narrow(padded, 2, 0, 1), padded, Ops.Narrow(padded, 2, h - 1, 1));
        return Ops.AvgPool2d(Ops.AvgPool2d(padded, 2, 1), 2, 1);
    }
}
