namespace KernelGan;

/// <summary>The record an op leaves on its output: its inputs and how to turn dL/dOutput into dL/dInputs.</summary>
internal sealed class GradFn(string name, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
{
    public string Name { get; } = name;
    public Tensor[] Inputs { get; } = inputs;
    public Func<Tensor, Tensor?[]> Backward { get; } = backward;
}

/// <summary>Reverse-mode autodiff over the graph of GradFns hanging off each tensor (micrograd's shape).</summary>
public sealed partial class Tensor
{
    // Per thread, like TensorScope's current scope (the one rule for ambient state is explained there).
    [ThreadStatic] private static int t_noGradDepth;

    /// <summary>Whether ops record the graph on this thread right now.</summary>
    public static bool GradEnabled => t_noGradDepth == 0;

    /// <summary>Within the returned scope, ops record nothing (inference, EMA updates, optimizers).</summary>
    public static NoGradScope NoGrad()
    {
        t_noGradDepth++;
        return new NoGradScope();
    }

    public readonly struct NoGradScope : IDisposable
    {
        public void Dispose() => t_noGradDepth--;
    }

    /// <summary>
    /// Wires <paramref name="output"/> into the graph when recording is on and some input wants a
    /// gradient. <paramref name="backward"/> returns one gradient per input (null where unwanted).
    /// </summary>
    internal static Tensor Record(string name, Tensor output, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        if (!GradEnabled) return output;
        foreach (var input in inputs)
        {
            if (!input.RequiresGrad) continue;
            output.RequiresGrad = true;
            output.GradFn = new GradFn(name, inputs, backward);
            break;
        }
        return output;
    }

    /// <summary>
    /// Accumulates dThis/dLeaf into every leaf's <see cref="Grad"/> that wants one. A scalar
    /// seeds with 1; otherwise pass <paramref name="gradient"/> of this tensor's shape.
    /// The graph is released afterwards (no second backward through the same graph).
    /// </summary>
    public void Backward(Tensor? gradient = null)
    {
        if (!RequiresGrad) throw new InvalidOperationException($"backward: {Describe()} does not require a gradient (no input wanted one)");
        if (gradient is null && Count != 1)
            throw new ShapeException($"backward: {Describe()} is not a scalar; pass its gradient");
        if (gradient is not null && !KernelGan.Shape.Equal(gradient.Shape, Shape))
            throw new ShapeException($"backward: gradient {KernelGan.Shape.Format(gradient.Shape)} does not match {Describe()}");

        var order = TopologicalOrder();
        var pending = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance);
        using var noGrad = NoGrad();
        pending[this] = gradient?.Alias() ?? Full(Shape, 1f, Backend);
        for (int i = order.Count - 1; i >= 0; i--)
        {
            var node = order[i];
            if (!pending.Remove(node, out var g)) continue;
            if (node.GradFn is null)
            {
                node.AccumulateLeafGrad(g);
                g.Dispose();
                continue;
            }
            var fn = node.GradFn;
            var inputGrads = fn.Backward(g);
            var stored = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
            for (int k = 0; k < fn.Inputs.Length; k++)
            {
                var input = fn.Inputs[k];
                var ig = inputGrads[k];
                if (ig is null || !input.RequiresGrad) { if (ig is not null && !ReferenceEquals(ig, g)) ig.Dispose(); continue; }
                if (!KernelGan.Shape.Equal(ig.Shape, input.Shape))
                    throw new InvalidOperationException($"backward of {fn.Name}: gradient {KernelGan.Shape.Format(ig.Shape)} for input {KernelGan.Shape.Format(input.Shape)}");
                // A pass-through gradient is g itself, and one object may serve two inputs; alias
                // such objects so that each pending gradient can be disposed on its own.
                if (ReferenceEquals(ig, g) || !stored.Add(ig)) ig = ig.Alias();
                if (pending.TryGetValue(input, out var existing))
                {
                    pending[input] = Ops.AddSameShape(existing, ig);
                    existing.Dispose();
                    ig.Dispose();
                }
                else pending[input] = ig;
            }
            g.Dispose();
            node.GradFn = null; // frees the saved tensors' closures for the GC
        }
    }

    private void AccumulateLeafGrad(Tensor g)
    {
        if (Grad is null || Grad.IsDisposed)
        {
            if (GradSlot is { IsDisposed: false } slot)
            {
                slot.CopyFrom(g);
                Grad = slot;
            }
            else using (TensorScope.Suspend()) Grad = g.Clone();
        }
        else Backend.Axpby(1f, g.Buffer, 1f, Grad.Buffer, Count);
    }

    /// <summary>Nodes reachable from this one through inputs that require grad, inputs before users.</summary>
    private List<Tensor> TopologicalOrder()
    {
        var order = new List<Tensor>();
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        // Iterative DFS: deep graphs (long unrolled loops) must not overflow the stack.
        var stack = new Stack<(Tensor Node, int Next)>();
        stack.Push((this, 0));
        visited.Add(this);
        while (stack.Count > 0)
        {
            var (node, next) = stack.Pop();
            var inputs = node.GradFn?.Inputs ?? [];
            if (next < inputs.Length)
            {
                stack.Push((node, next + 1));
                var input = inputs[next];
                if (input.RequiresGrad && visited.Add(input)) stack.Push((input, 0));
            }
            else order.Add(node);
        }
        return order;
    }

    /// <summary>Sets the gradient of this leaf to zero (keeping its memory) or drops it.</summary>
    public void ZeroGrad()
    {
        if (Grad is not null && !Grad.IsDisposed) Backend.Fill(Grad.Buffer, 0, Grad.Count, 0f);
    }
}
