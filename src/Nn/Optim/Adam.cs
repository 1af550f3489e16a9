namespace KernelGan.Nn.Optim;

/// <summary>
/// Adam (Kingma and Ba), or AdamW with decoupled weight decay, matching PyTorch's update. State
/// (first and second moments, step count) lives on the parameters' device and is checkpointed.
/// </summary>
public sealed class Adam
{
    private readonly List<Tensor> _params;
    private readonly List<Tensor> _m = new(), _v = new();

    public Adam(IEnumerable<Tensor> parameters, float lr = 2e-4f, float beta1 = 0.5f, float beta2 = 0.999f,
                float eps = 1e-8f, float weightDecay = 0f, bool decoupled = false)
    {
        _params = parameters.ToList();
        Lr = lr; Beta1 = beta1; Beta2 = beta2; Eps = eps; WeightDecay = weightDecay; Decoupled = decoupled;
        using (TensorScope.Suspend())
            foreach (var p in _params)
            {
                _m.Add(Tensor.Zeros(p.Shape, p.Backend));
                _v.Add(Tensor.Zeros(p.Shape, p.Backend));
            }
    }

    public float Lr { get; set; }
    public float Beta1 { get; }
    public float Beta2 { get; }
    public float Eps { get; }
    public float WeightDecay { get; }
    public bool Decoupled { get; }

    /// <summary>Updates taken so far (t in the bias corrections).</summary>
    public long StepCount { get; set; }

    public IReadOnlyList<Tensor> Parameters => _params;

    /// <summary>Moment tensors in parameter order, m then v: what a checkpoint stores.</summary>
    public IEnumerable<(string Name, Tensor Value)> StateTensors()
    {
        for (int i = 0; i < _params.Count; i++)
        {
            yield return ($"m{i}", _m[i]);
            yield return ($"v{i}", _v[i]);
        }
    }

    /// <summary>One update of every parameter that has a gradient.</summary>
    public void Step()
    {
        StepCount++;
        double c1 = 1 - Math.Pow(Beta1, StepCount), c2 = 1 - Math.Pow(Beta2, StepCount);
        float stepSize = (float)(Lr * Math.Sqrt(c2) / c1);
        float epsHat = (float)(Eps * Math.Sqrt(c2));
        for (int i = 0; i < _params.Count; i++)
        {
            var p = _params[i];
            if (p.Grad is null) continue;
            p.Backend.AdamStep(p.Buffer, p.Grad.Buffer, _m[i].Buffer, _v[i].Buffer, p.Count,
                               stepSize, Beta1, Beta2, epsHat, WeightDecay, Lr, Decoupled);
        }
    }

    public void ZeroGrad()
    {
        foreach (var p in _params) p.ZeroGrad();
    }
}
