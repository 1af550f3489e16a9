namespace KernelGan;

/// <summary>
/// Owns every tensor created on this thread while it is the innermost scope, and disposes them
/// when it ends, handing their memory back to the pool. A training step runs inside one scope;
/// what must outlive it (parameters, gradients, optimizer state, EMA weights) is created outside
/// any scope, under <see cref="Suspend"/>, or moved out with <see cref="Keep"/>.
/// </summary>
public sealed class TensorScope : IDisposable
{
    // The one rule for ambient tensor state (this scope and Tensor.NoGrad): it belongs to the
    // thread that set it, [ThreadStatic], not AsyncLocal. Other threads (tasks, a loader's
    // workers) start with no scope and with grad recording on. Why not flow it like an AsyncLocal:
    // a scope's list and the no-grad depth are not thread-safe, and a task started inside a
    // training step would then put its tensors into the step's scope from another thread, and the
    // step's end would free tensors that task still uses. Nothing here awaits inside a scope
    // (steps are synchronous), so flowing across awaits would buy nothing; and the lookup runs on
    // every tensor an op makes, where a thread-static read is the cheapest there is. The device
    // is not ambient at all: modules and trainers are given their backend.
    // tests/Engine/AmbientStateTests.cs shows the rule across threads and tasks.
    [ThreadStatic] private static TensorScope? t_current;
    [ThreadStatic] private static int t_suspended;

    private readonly List<Tensor> _owned = new();
    private readonly List<IDisposable> _resources = new();
    private readonly TensorScope? _outer;
    private bool _ended;

    public TensorScope()
    {
        _outer = t_current;
        t_current = this;
    }

    internal static void Register(Tensor t)
    {
        if (t_suspended == 0) t_current?._owned.Add(t);
    }

    /// <summary>Hands a non-tensor device resource (an index buffer) to the current scope, if any.</summary>
    internal static void Track(IDisposable resource)
    {
        if (t_suspended == 0) t_current?._resources.Add(resource);
    }

    /// <summary>Removes <paramref name="t"/> from this scope, handing it to the enclosing scope (or to nobody).</summary>
    public Tensor Keep(Tensor t)
    {
        int i = _owned.LastIndexOf(t);
        if (i >= 0)
        {
            _owned.RemoveAt(i);
            _outer?._owned.Add(t);
        }
        return t;
    }

    /// <summary>Tensors created inside the returned block belong to no scope (persistent state).</summary>
    public static SuspendBlock Suspend()
    {
        t_suspended++;
        return new SuspendBlock();
    }

    public readonly struct SuspendBlock : IDisposable
    {
        public void Dispose() => t_suspended--;
    }

    public void Dispose()
    {
        if (_ended) return;
        _ended = true;
        if (!ReferenceEquals(t_current, this))
            throw new InvalidOperationException("tensor scopes must end in the reverse order they began");
        t_current = _outer;
        foreach (var t in _owned) t.Dispose();
        _owned.Clear();
        foreach (var r in _resources) r.Dispose();
        _resources.Clear();
    }
}
