namespace KernelGan.Gan.Data;

/// <summary>
/// Precomputed 1-D filter taps for resampling one axis from <c>inSize</c> to <c>outSize</c> samples
/// with a triangle (bilinear) kernel. When shrinking, the kernel is widened by the shrink factor,
/// so every source pixel contributes (this is the antialiasing; plain bilinear sampling would skip
/// pixels and alias fine textures into moiré). When enlarging it is ordinary bilinear interpolation.
/// Taps falling outside the source are dropped and the rest renormalised (edge-preserving).
/// </summary>
internal sealed class ResampleWeights
{
    public readonly int[] Start;
    public readonly int[] Count;
    public readonly float[] Weights; // [outSize * MaxTaps]
    public readonly int MaxTaps;

    public ResampleWeights(int inSize, int outSize)
    {
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        double support = filterScale; // triangle kernel: radius 1 input pixel, stretched when shrinking
        MaxTaps = (int)Math.Ceiling(support) * 2 + 1;
        Start = new int[outSize];
        Count = new int[outSize];
        Weights = new float[outSize * MaxTaps];
        double inv = 1.0 / filterScale;
        for (int o = 0; o < outSize; o++)
        {
            double center = (o + 0.5) * scale; // in source pixel units, pixel i spans [i, i+1)
            int lo = Math.Max((int)Math.Floor(center - support + 0.5), 0);
            int hi = Math.Min((int)Math.Floor(center + support + 0.5), inSize);
            double sum = 0;
            int n = 0;
            for (int x = lo; x < hi && n < MaxTaps; x++, n++)
            {
                double t = Math.Abs((x + 0.5 - center) * inv);
                double w = t < 1 ? 1 - t : 0;
                Weights[o * MaxTaps + n] = (float)w;
                sum += w;
            }
            if (sum <= 0) // degenerate: fall back to the nearest pixel
            {
                lo = Math.Clamp((int)center, 0, inSize - 1);
                n = 1;
                Weights[o * MaxTaps] = 1f;
                sum = 1;
            }
            for (int k = 0; k < n; k++) Weights[o * MaxTaps + k] = (float)(Weights[o * MaxTaps + k] / sum);
            Start[o] = lo;
            Count[o] = n;
        }
    }
}
