namespace KernelGan.Nn;

/// <summary>
/// A layer or model: named parameters (leaf tensors that want gradients), named buffers
/// (state like running statistics, saved but not trained) and child modules. Parameters and
/// buffers are created outside any tensor scope, so they persist across training steps.
/// </summary>
public abstract class Module
{
    private readonly List<(string Name, Tensor Value)> _parameters = new();
    private readonly List<(string Name, Tensor Value)> _buffers = new();
    private readonly List<(string Name, Module Child)> _children = new();

    /// <summary>Training mode (batch statistics, power iterations) vs evaluation mode.</summary>
    public bool Training { get; private set; } = true;

    public Module Train(bool on = true)
    {
        Training = on;
        foreach (var (_, child) in _children) child.Train(on);
        return this;
    }

    public Module Eval() => Train(false);

    protected Tensor AddParameter(string name, Tensor value)
    {
        value.RequiresGrad = true;
        value.Name = name;
        _parameters.Add((name, value));
        return value;
    }

    protected Tensor AddBuffer(string name, Tensor value)
    {
        value.Name = name;
        _buffers.Add((name, value));
        return value;
    }

    protected T AddChild<T>(string name, T child) where T : Module
    {
        _children.Add((name, child));
        return child;
    }

    /// <summary>This module and every module below it, depth first (e.g. to find its batch norms).</summary>
    public IEnumerable<Module> Modules()
    {
        yield return this;
        foreach (var (_, child) in _children)
            foreach (var m in child.Modules()) yield return m;
    }

    public IEnumerable<(string Name, Tensor Value)> NamedParameters(string prefix = "")
    {
        foreach (var (name, p) in _parameters) yield return (prefix + name, p);
        foreach (var (name, child) in _children)
            foreach (var item in child.NamedParameters(prefix + name + ".")) yield return item;
    }

    public IEnumerable<(string Name, Tensor Value)> NamedBuffers(string prefix = "")
    {
        foreach (var (name, b) in _buffers) yield return (prefix + name, b);
        foreach (var (name, child) in _children)
            foreach (var item in child.NamedBuffers(prefix + name + ".")) yield return item;
    }

    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Value);

    /// <summary>Parameters and buffers together: everything a checkpoint must hold.</summary>
    public IEnumerable<(string Name, Tensor Value)> StateTensors() => NamedParameters().Concat(NamedBuffers());

    public long ParameterCount => Parameters().Sum(p => (long)p.Count);

    /// <summary>
    /// Turns weight gradients on or off: off while another network's loss flows through this one
    /// (D in the G step, a MINE statistics network when G is charged with its bound), where only the
    /// gradient with respect to the inputs is needed.
    /// </summary>
    public void SetParametersTrainable(bool on)
    {
        foreach (var p in Parameters()) p.RequiresGrad = on;
    }

    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.ZeroGrad();
    }

    /// <summary>Copies every parameter and buffer value from a module of the same architecture.</summary>
    public void CopyStateFrom(Module source)
    {
        var mine = StateTensors().ToList();
        var theirs = source.StateTensors().ToList();
        if (mine.Count != theirs.Count)
            throw new InvalidOperationException($"copy-state: {theirs.Count} tensors into a module with {mine.Count}");
        for (int i = 0; i < mine.Count; i++)
        {
            if (mine[i].Name != theirs[i].Name || !Shape.Equal(mine[i].Value.Shape, theirs[i].Value.Shape))
                throw new InvalidOperationException($"copy-state: {theirs[i].Name} {Shape.Format(theirs[i].Value.Shape)} does not match {mine[i].Name} {Shape.Format(mine[i].Value.Shape)}");
            mine[i].Value.CopyFrom(theirs[i].Value);
        }
    }
}

/// <summary>A module with one input and one output.</summary>
public abstract class Layer : Module
{
    public abstract Tensor Forward(Tensor x);
}
