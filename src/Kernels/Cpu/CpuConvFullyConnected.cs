namespace KernelGan.Kernels.Cpu;

/// <summary>
/// Convolutions whose kernel covers the whole unpadded input, giving a 1x1 output (ref64's
/// ConvT from the 1x1 latent and the discriminator's last layer). The im2col of an image is the
/// image itself, so each kernel is one matrix product over the batch instead of N products with
/// a single column each: x is [N, K], w is [Cout, K], y is [N, Cout].
/// </summary>
public sealed unsafe partial class CpuBackend
{
    private static void FullyConnectedForward(in ConvGeometry g, float* x, float* w, float* bias, float* y)
    {
        int k = g.Cin * g.Kh * g.Kw;
        GemmParallel(false, true, g.N, g.Cout, k, 1f, x, k, w, k, 0f, y, g.Cout);
        if (bias != null)
            for (int n = 0; n < g.N; n++)
            for (int co = 0; co < g.Cout; co++)
                y[(long)n * g.Cout + co] += bias[co];
    }

    private static void FullyConnectedBackwardData(in ConvGeometry g, float* gy, float* w, float* gx)
    {
        int k = g.Cin * g.Kh * g.Kw;
        GemmParallel(false, false, g.N, k, g.Cout, 1f, gy, g.Cout, w, k, 0f, gx, k);
    }

    private static void FullyConnectedBackwardWeight(in ConvGeometry g, float* x, float* gy, float* gw)
    {
        int k = g.Cin * g.Kh * g.Kw;
        GemmParallel(true, false, g.Cout, k, g.N, 1f, gy, g.Cout, x, k, 0f, gw, k);
    }
}
