using KernelGan.Kernels;

namespace KernelGan.Nn;

/// <summary>Parameter initializers. Each creates a persistent tensor (outside any scope) on the backend it is given.</summary>
public static class Init
{
    /// <summary>U(-1/sqrt(fanIn), 1/sqrt(fanIn)): PyTorch's default for conv and linear layers.</summary>
    public static Tensor FanInUniform(Rng rng, int[] shape, int fanIn, IBackend backend)
    {
        float bound = 1f / MathF.Sqrt(Math.Max(1, fanIn));
        using (TensorScope.Suspend()) return rng.Uniform(shape, -bound, bound, backend);
    }

    /// <summary>N(mean, std): DCGAN's N(0, 0.02) for conv weights, N(1, 0.02) for batch-norm scales.</summary>
    public static Tensor Normal(Rng rng, int[] shape, float mean, float std, IBackend backend)
    {
        using (TensorScope.Suspend()) return rng.Normal(shape, mean, std, backend);
    }

    public static Tensor Constant(int[] shape, float value, IBackend backend)
    {
        using (TensorScope.Suspend()) return Tensor.Full(shape, value, backend);
    }
}
