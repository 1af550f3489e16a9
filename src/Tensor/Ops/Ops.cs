using KernelGan.Kernels;

namespace KernelGan;

/// <summary>
/// The differentiable ops. Each is a forward kernel call plus, when recording, a backward rule
/// written in kernel calls. Files in Ops/ group them by family; this one holds shared checks.
/// </summary>
public static partial class Ops
{
    internal static IBackend SameBackend(string op, Tensor a, Tensor b)
    {
        if (!ReferenceEquals(a.Backend, b.Backend))
            throw new ShapeException($"{op}: operands live on different devices ({a.Backend.Name} and {b.Backend.Name})");
        return a.Backend;
    }

    internal static void RequireRank(string op, Tensor t, int rank, string what)
    {
        if (t.Rank != rank)
            throw new ShapeException($"{op}: {what} must have rank {rank}, got {Shape.Format(t.Shape)}");
    }

    internal static string F(int[] shape) => Shape.Format(shape);

    /// <summary>a + b for equal shapes, outside the graph (gradient accumulation).</summary>
    internal static Tensor AddSameShape(Tensor a, Tensor b)
    {
        var y = a.Clone();
        a.Backend.Axpby(1f, b.Buffer, 1f, y.Buffer, y.Count);
        return y;
    }
}
