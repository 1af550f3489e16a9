using KernelGan.Nn;

namespace KernelGan.Gan.Training;

/// <summary>
/// Exponential moving average of a model's weights (Karras et al.): samples and the segmenter's
/// training data come from the averaged generator, which is smoother than the live one.
/// The decay is set by a half-life in images, so it does not depend on the batch size.
/// When the live weights are packed (their optimizer packs them, <see cref="TensorArena"/>), the
/// averages are packed in the same layout and an update is one call over the arena; the buffers
/// (batch-norm statistics) are packed likewise and copied in one call.
/// </summary>
public sealed class Ema
{
    private readonly List<(Tensor Live, Tensor Average)> _pairs;
    private readonly List<(Tensor Live, Tensor Average)> _buffers;
    private readonly TensorArena? _liveWeights, _averageWeights, _liveBuffers, _averageBuffers;

    public Ema(Module live, Module average, double halfLifeImages)
    {
        HalfLifeImages = halfLifeImages;
        average.CopyStateFrom(live);
        _pairs = live.NamedParameters().Zip(average.NamedParameters(), (a, b) => (a.Value, b.Value)).ToList();
        _buffers = live.NamedBuffers().Zip(average.NamedBuffers(), (a, b) => (a.Value, b.Value)).ToList();
        using (TensorScope.Suspend())
        {
            _liveWeights = TensorArena.Of(_pairs.Select(p => p.Live));
            if (_liveWeights is not null) _averageWeights = TensorArena.PackLike(_pairs.Select(p => p.Average), _liveWeights);
            _liveBuffers = TensorArena.Pack(_buffers.Select(p => p.Live));
            if (_liveBuffers is not null) _averageBuffers = TensorArena.PackLike(_buffers.Select(p => p.Average), _liveBuffers);
        }
    }

    /// <summary>Whether an update is one call for the weights and one copy for the buffers.</summary>
    public bool Packed => _averageWeights is not null && (_buffers.Count == 0 || _averageBuffers is not null);

    public double HalfLifeImages { get; }

    /// <summary>average = beta*average + (1-beta)*live with beta = 0.5^(batch/halfLife); buffers are copied.</summary>
    public void Update(int batch, bool warmup = false)
    {
        float beta = warmup ? 0f : (float)Math.Pow(0.5, batch / Math.Max(1e-8, HalfLifeImages));
        if (_averageWeights is not null)
            _liveWeights!.Backend.AxpbySegments(1f - beta, _liveWeights.Buffer, beta, _averageWeights.Buffer, _liveWeights.Segments);
        else foreach (var (live, avg) in _pairs) live.Backend.Axpby(1f - beta, live.Buffer, beta, avg.Buffer, live.Count);
        if (_averageBuffers is not null)
            _liveBuffers!.Backend.Copy2D(_liveBuffers.Buffer, 0, _liveBuffers.Length, _averageBuffers.Buffer, 0, _liveBuffers.Length, 1, _liveBuffers.Length);
        else foreach (var (live, avg) in _buffers) avg.CopyFrom(live);
    }
}
