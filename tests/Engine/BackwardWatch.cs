namespace KernelGan.Tests.Engine;

/// <summary>
/// Wraps the backward rule of every op in a graph and records each gradient a rule returns for an
/// input that does not require one. Autograd drops such gradients silently, so without this a rule
/// that ignores RequiresGrad (wasted kernels: the weight gradients of a frozen discriminator in
/// every generator step) would pass every other check.
/// </summary>
internal sealed class BackwardWatch
{
    private readonly List<string> _unwanted = new();

    /// <summary>"op input k" for each gradient computed but not wanted, in the order seen.</summary>
    public IReadOnlyList<string> Unwanted => _unwanted;

    /// <summary>Wraps every node reachable from <paramref name="root"/>; call before Backward.</summary>
    public static BackwardWatch Attach(Tensor root)
    {
        var watch = new BackwardWatch();
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<Tensor>([root]);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (!seen.Add(node) || node.GradFn is not { } fn) continue;
            node.GradFn = new GradFn(fn.Name, fn.Inputs, g => watch.Inspect(fn, fn.Backward(g)));
            foreach (var input in fn.Inputs) stack.Push(input);
        }
        return watch;
    }

    private Tensor?[] Inspect(GradFn fn, Tensor?[] grads)
    {
        for (int k = 0; k < fn.Inputs.Length; k++)
            if (grads[k] is not null && !fn.Inputs[k].RequiresGrad)
                _unwanted.Add($"{fn.Name} input {k}");
        return grads;
    }
}
