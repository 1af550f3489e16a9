using KernelGan.Kernels;

namespace KernelGan.Gan.Models;

/// <summary>
/// StyleGAN's minibatch standard deviation layer (the official ILSGAN discriminator's mbstd, group
/// 4): the batch is split into groups of G samples, G = the largest of 4, 3, 2, 1 that divides
/// it; sample n is in group n / (N / G), at place n mod (N / G). For each place, the standard
/// deviation over its group of every feature, averaged over features and pixels, becomes one
/// extra channel of each sample in that place. A generator that gives every sample the same
/// answer (one mask for every z) lowers this statistic below the reals', where D can see it.
/// </summary>
public static class MinibatchStdDev
{
    public const int MaxGroup = 4;

    public static int GroupSize(int batch)
    {
        for (int g = Math.Min(MaxGroup, batch); g > 1; g--)
            if (batch % g == 0) return g;
        return 1;
    }

    /// <summary>[N, C, H, W] to [N, C + 1, H, W].</summary>
    public static Tensor Append(Tensor x)
    {
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        int g = GroupSize(n), places = n / g;
        var grouped = Ops.Reshape(x, g, places, c * h * w);
        var centred = grouped - Ops.Mean(grouped, [0], keepDims: true);
        var std = Ops.Sqrt(Ops.Mean(Ops.Square(centred), [0]) + 1e-8f);     // [places, CHW]
        var perPlace = Ops.Mean(std, [1], keepDims: true);                   // [places, 1]
        var channel = Ops.Mul(Tensor.Full([g, places, h * w], 1f, x.Backend), Ops.Reshape(perPlace, 1, places, 1));
        return Ops.Concat(1, x, Ops.Reshape(channel, n, 1, h, w));
    }
}
