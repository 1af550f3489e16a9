using ILGPU;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>A Philox fill: value i of the stream (Seed, Offset), for i &lt; N.</summary>
internal readonly struct RandomArgs(int n, ulong seed, ulong offset, float a, float b)
{
    public readonly int N = n;
    public readonly ulong Seed = seed, Offset = offset;

    /// <summary>Uniform: lo and hi - lo. Normal: mean and std.</summary>
    public readonly float A = a, B = b;
}

/// <summary>
/// Philox4x32-10 fills, one thread per counter block (4 values). The block function is
/// <see cref="Philox.Block"/> itself (integer-only, so bit-identical everywhere).
/// </summary>
internal static class RandomKernels
{
    public static void Uniform(ArrayView<float> y, RandomArgs p)
    {
        int blocks = (p.N + 3) / 4;
        for (int blk = GridStride.Start; blk < blocks; blk += GridStride.Step)
        {
            Philox.Block(p.Seed, p.Offset + (ulong)blk, out uint r0, out uint r1, out uint r2, out uint r3);
            int i = blk * 4;
            y[i] = Scaled(p, r0);
            if (i + 1 < p.N) y[i + 1] = Scaled(p, r1);
            if (i + 2 < p.N) y[i + 2] = Scaled(p, r2);
            if (i + 3 < p.N) y[i + 3] = Scaled(p, r3);
        }
    }

    /// <summary>
    /// lo + range * u, rounded exactly as the CPU computes it: the product is formed in double (exact
    /// for two floats) and rounded to float by an explicit conversion, so a GPU compiler can't fuse
    /// the multiply and add into one FMA (which would round once instead of twice).
    /// </summary>
    private static float Scaled(RandomArgs p, uint word)
    {
        float product = (float)((double)p.B * Philox.ToUnit(word));
        return p.A + product;
    }

    /// <summary>Box-Muller on lane pairs (0,1) and (2,3) of each block, as <see cref="Philox.Normal"/>.</summary>
    public static void Normal(ArrayView<float> y, RandomArgs p)
    {
        int blocks = (p.N + 3) / 4;
        for (int blk = GridStride.Start; blk < blocks; blk += GridStride.Step)
        {
            Philox.Block(p.Seed, p.Offset + (ulong)blk, out uint r0, out uint r1, out uint r2, out uint r3);
            BoxMuller(r0, r1, out float n0, out float n1);
            BoxMuller(r2, r3, out float n2, out float n3);
            int i = blk * 4;
            y[i] = p.A + p.B * n0;
            if (i + 1 < p.N) y[i + 1] = p.A + p.B * n1;
            if (i + 2 < p.N) y[i + 2] = p.A + p.B * n2;
            if (i + 3 < p.N) y[i + 3] = p.A + p.B * n3;
        }
    }

    private static void BoxMuller(uint a, uint b, out float even, out float odd)
    {
        float radius = MathF.Sqrt(-2f * DeviceMath.Log(Philox.ToOpenUnit(a)));
        float angle = 2f * MathF.PI * Philox.ToUnit(b);
        DeviceMath.SinCos(angle, out float sin, out float cos);
        even = radius * cos;
        odd = radius * sin;
    }
}
