using System.Text.Json.Nodes;
using KernelGan.Gan.Losses;
using KernelGan.Gan.Training;

namespace KernelGan.Gan.Ilsgan;

/// <summary>
/// D's input augmentation with ADA's adaptive probability (Karras et al. 2020; the official
/// ILSGAN training loop, training/training_loop_ILS.py): the signs of D's logits on real images
/// are averaged over <see cref="Interval"/> steps, then p moves by a fixed step up when that mean
/// is above the target (D is sure of the reals: overfitting) and down when below, kept in [0, 1].
/// Its own noise stream, so turning it on never changes the trainer's other draws; all its state
/// is saved in checkpoints so a resume continues exactly.
/// </summary>
public sealed class AdaptiveAugment(float target, int interval, float stepSize, ulong seed)
{
    public float Target { get; } = target;
    public int Interval { get; } = interval;

    /// <summary>How far p moves per adjustment: batch * interval / (images for a move of 1).</summary>
    public float StepSize { get; } = stepSize;

    public float P { get; private set; }
    public Rng Noise { get; private set; } = new(seed);

    private double _signSum;
    private long _signCount;
    private int _observed;

    public static AdaptiveAugment For(IlsganConfig config) => new(config.AugmentTarget, config.AugmentInterval,
        (float)(config.Batch * config.AugmentInterval / config.AugmentSpeedImages), SeedStreams.IlsganAugment(config.Seed));

    /// <summary>x augmented with a fresh draw at the current p (x itself while p is 0, drawing nothing).</summary>
    public Tensor Apply(Tensor x) =>
        P > 0f ? DiffAugment.Apply(x, DiffAugment.Draw(Noise, x.Shape[0], x.Shape[3], P)) : x;

    /// <summary>Counts one step's logits on real images; every <see cref="Interval"/> steps, adjusts p.</summary>
    public void Observe(ReadOnlySpan<float> realLogits)
    {
        foreach (float v in realLogits) _signSum += Math.Sign(v);
        _signCount += realLogits.Length;
        if (++_observed < Interval) return;
        double meanSign = _signSum / Math.Max(1, _signCount);
        P = Math.Clamp(P + Math.Sign(meanSign - Target) * StepSize, 0f, 1f);
        _signSum = 0;
        _signCount = 0;
        _observed = 0;
    }

    public JsonObject Save() => new()
    {
        ["p"] = P, ["sign_sum"] = _signSum, ["sign_count"] = _signCount, ["observed"] = _observed, ["noise_offset"] = Noise.Offset,
    };

    public void Restore(JsonObject state)
    {
        P = state["p"]!.GetValue<float>();
        _signSum = state["sign_sum"]!.GetValue<double>();
        _signCount = state["sign_count"]!.GetValue<long>();
        _observed = state["observed"]!.GetValue<int>();
        Noise = new Rng(Noise.Seed, state["noise_offset"]!.GetValue<ulong>());
    }
}
