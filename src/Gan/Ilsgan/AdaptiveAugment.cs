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
/// is saved in checkpoints so a resume continues exactly. The signs are summed on the device and
/// read back once per interval (when p must change), not once per step: a read-back waits for the
/// device, and the training loop otherwise never waits inside a step.
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
        EndObservation();
    }

    /// <summary>
    /// <see cref="Observe(ReadOnlySpan{float})"/> for logits on the device: their signs are added to
    /// a device sum (no wait), read back at the end of the interval. The sum of at most 2^24 signs
    /// is exact in float, so p follows the same path as with host logits.
    /// </summary>
    public void Observe(Tensor realLogits)
    {
        var backend = realLogits.Backend;
        if (_deviceSigns is null || !ReferenceEquals(_deviceSigns.Backend, backend))
        {
            _signSum += DeviceSigns();
            _deviceSigns?.Dispose();
            using (TensorScope.Suspend()) _deviceSigns = Tensor.Zeros([1], backend);
        }
        using (Tensor.NoGrad())
        {
            // sign(x) from existing kernels, exactly: two scalings by 2^127 carry any nonzero float
            // (the smallest is 2^-149) to at least 2^105 in magnitude, or to infinity, and the
            // clamp makes that +-1; zero stays zero.
            const float big = 1.7014118e38f; // 2^127
            var signs = Ops.Clamp(Ops.Affine(Ops.Affine(realLogits, big, 0f), big, 0f), -1f, 1f);
            using var sum = Ops.Sum(signs);
            backend.Axpby(1f, sum.Buffer, 1f, _deviceSigns.Buffer, 1);
        }
        _signCount += realLogits.Count;
        EndObservation();
    }

    private Tensor? _deviceSigns;

    /// <summary>The signs summed on the device since the last read (a wait for the device), leaving the device sum at zero.</summary>
    private double DeviceSigns()
    {
        if (_deviceSigns is null) return 0;
        float sum = _deviceSigns.Item();
        _deviceSigns.Backend.Fill(_deviceSigns.Buffer, 0, 1, 0f);
        return sum;
    }

    private void EndObservation()
    {
        if (++_observed < Interval) return;
        _signSum += DeviceSigns();
        double meanSign = _signSum / Math.Max(1, _signCount);
        // NaN logits (a diverged step): p stays; the training loop stops on the NaN losses.
        if (double.IsFinite(meanSign)) P = Math.Clamp(P + Math.Sign(meanSign - Target) * StepSize, 0f, 1f);
        _signSum = 0;
        _signCount = 0;
        _observed = 0;
    }

    public JsonObject Save()
    {
        _signSum += DeviceSigns();
        return SaveState();
    }

    private JsonObject SaveState() => new()
    {
        ["p"] = P, ["sign_sum"] = _signSum, ["sign_count"] = _signCount, ["observed"] = _observed, ["noise_offset"] = Noise.Offset,
    };

    public void Restore(JsonObject state)
    {
        P = state["p"]!.GetValue<float>();
        DeviceSigns();
        _signSum = state["sign_sum"]!.GetValue<double>();
        _signCount = state["sign_count"]!.GetValue<long>();
        _observed = state["observed"]!.GetValue<int>();
        Noise = new Rng(Noise.Seed, state["noise_offset"]!.GetValue<ulong>());
    }
}
