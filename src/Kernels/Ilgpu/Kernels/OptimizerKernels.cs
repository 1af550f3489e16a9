using ILGPU;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>The scalars of one Adam step (see <see cref="IBackend.AdamStep"/>).</summary>
internal readonly struct AdamArgs(int n, float stepSize, float beta1, float beta2, float epsHat, float decay, float l2)
{
    public readonly int N = n;
    public readonly float StepSize = stepSize, Beta1 = beta1, Beta2 = beta2, EpsHat = epsHat;

    /// <summary>1 - lr*weightDecay for AdamW, else 1.</summary>
    public readonly float Decay = decay;

    /// <summary>weightDecay for plain Adam's L2 term, else 0.</summary>
    public readonly float L2 = l2;
}

/// <summary>The fused Adam/AdamW update, one thread per parameter, in the CPU backend's operation order.</summary>
internal static class OptimizerKernels
{
    public static void Adam(ArrayView<float> param, ArrayView<float> grad, ArrayView<float> m, ArrayView<float> v, AdamArgs p)
    {
        for (int i = GridStride.Start; i < p.N; i += GridStride.Step)
        {
            float w = param[i];
            float g = grad[i] + p.L2 * w;
            float mm = p.Beta1 * m[i] + (1f - p.Beta1) * g;
            float vv = p.Beta2 * v[i] + (1f - p.Beta2) * g * g;
            m[i] = mm;
            v[i] = vv;
            param[i] = w * p.Decay - p.StepSize * mm / (MathF.Sqrt(vv) + p.EpsHat);
        }
    }
}
