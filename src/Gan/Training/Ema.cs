using KernelGan.Nn;

namespace KernelGan.Gan.Training;

/// <summary>
/// Exponential moving average of a model's weights (Karras et al.): samples and the segmenter's
/// training data come from the averaged generator, which is smoother than the live one.
/// The decay is set by a half-life in images, so it does not depend on the batch size.
/// </summary>
public sealed class Ema
{
    private readonly List<(Tensor Live, Tensor Average)> _pairs;
    private readonly List<(Tensor Live, Tensor Average)> _buffers;

    public Ema(Module live, Module average, double halfLifeImages)
    {
        HalfLifeImages = halfLifeImages;
        average.CopyStateFrom(live);
        _pairs = live.NamedParameters().Zip(average.NamedParameters(), (a, b) => (a.Value, b.Value)).ToList();
        _buffers = live.NamedBuffers().Zip(average.NamedBuffers(), (a, b) => (a.Value, b.Value)).ToList();
    }

    public double HalfLifeImages { get; }

    /// <summary>average = beta*average + (1-beta)*live with beta = 0.5^(batch/halfLife); buffers are copied.</summary>
    public void Update(int batch, bool warmup = false)
    {
        float beta = warmup ? 0f : (float)Math.Pow(0.5, batch / Math.Max(1e-8, HalfLifeImages));
        foreach (var (live, avg) in _pairs) live.Backend.Axpby(1f - beta, live.Buffer, beta, avg.Buffer, live.Count);
        foreach (var (live, avg) in _buffers) avg.CopyFrom(live);
    }
}
