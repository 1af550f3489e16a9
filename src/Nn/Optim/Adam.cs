using KernelGan.Kernels;

namespace KernelGan.Nn.Optim;

/// <summary>
/// Adam (Kingma and Ba), or AdamW with decoupled weight decay, matching PyTorch's update. State
/// (first and second moments, step count) lives on the parameters' device and is checkpointed.
/// The parameters are packed into one arena (<see cref="TensorArena"/>) with their gradients and
/// moments in three more of the same layout, so that a step is one backend call over all of
/// them, each element computed as the per-tensor call computes it; where packing is refused (a
/// parameter already packed elsewhere, mixed devices, <see cref="TensorArena.Suspend"/>) each
/// tensor keeps its own buffers and its own call.
/// </summary>
public sealed class Adam
{
    private readonly List<Tensor> _params;
    private readonly List<Tensor> _m = new(), _v = new();
    private readonly TensorArena? _values, _grads, _mArena, _vArena;
    private readonly BufferSegment[] _segments = [];

    public Adam(IEnumerable<Tensor> parameters, float lr = 2e-4f, float beta1 = 0.5f, float beta2 = 0.999f,
                float eps = 1e-8f, float weightDecay = 0f, bool decoupled = false)
    {
        _params = parameters.ToList();
        Lr = lr; Beta1 = beta1; Beta2 = beta2; Eps = eps; WeightDecay = weightDecay; Decoupled = decoupled;
        using (TensorScope.Suspend())
        {
            _values = TensorArena.Pack(_params);
            if (_values is not null)
            {
                _grads = _values.GradientSlots();
                _mArena = _values.Companion();
                _vArena = _values.Companion();
                _m.AddRange(_mArena.Tensors);
                _v.AddRange(_vArena.Tensors);
                _segments = new BufferSegment[_params.Count];
                return;
            }
            foreach (var p in _params)
            {
                _m.Add(Tensor.Zeros(p.Shape, p.Backend));
                _v.Add(Tensor.Zeros(p.Shape, p.Backend));
            }
        }
    }

    /// <summary>Whether the parameters are packed, so that a step is one backend call.</summary>
    public bool Packed => _values is not null;

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
        if (_values is not null)
        {
            PackedStep(stepSize, epsHat);
            return;
        }
        for (int i = 0; i < _params.Count; i++)
        {
            var p = _params[i];
            if (p.Grad is null) continue;
            p.Backend.AdamStep(p.Buffer, p.Grad.Buffer, _m[i].Buffer, _v[i].Buffer, p.Count,
                               stepSize, Beta1, Beta2, epsHat, WeightDecay, Lr, Decoupled);
        }
    }

    /// <summary>
    /// The packed step: one call over the segments of the parameters that have a gradient in their
    /// slot (all of them after the first step, as a rule); a gradient that something put outside
    /// its slot gets the per-tensor call, so no parameter is skipped or updated twice.
    /// </summary>
    private void PackedStep(float stepSize, float epsHat)
    {
        int count = 0;
        for (int i = 0; i < _params.Count; i++)
        {
            var p = _params[i];
            if (p.Grad is null) continue;
            if (ReferenceEquals(p.Grad, _grads!.Tensors[i])) _segments[count++] = _values!.Segments[i];
            else p.Backend.AdamStep(p.Buffer, p.Grad.Buffer, _m[i].Buffer, _v[i].Buffer, p.Count,
                                    stepSize, Beta1, Beta2, epsHat, WeightDecay, Lr, Decoupled);
        }
        if (count > 0)
            _values!.Backend.AdamStepSegments(_values.Buffer, _grads!.Buffer, _mArena!.Buffer, _vArena!.Buffer, _segments.AsSpan(0, count),
                                              stepSize, Beta1, Beta2, epsHat, WeightDecay, Lr, Decoupled);
    }

    /// <summary>Zeroes the gradients (keeping their memory); packed, one fill of the gradient arena.</summary>
    public void ZeroGrad()
    {
        if (_grads is null)
        {
            foreach (var p in _params) p.ZeroGrad();
            return;
        }
        // Slots of parameters without a gradient are zero already, so one fill matches the per-tensor zeroing.
        _grads.Backend.Fill(_grads.Buffer, 0, _grads.Length, 0f);
        for (int i = 0; i < _params.Count; i++)
            if (_params[i].Grad is { } g && !ReferenceEquals(g, _grads.Tensors[i])) _params[i].ZeroGrad();
    }
}
