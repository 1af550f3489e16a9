namespace KernelGan.Gan.Data;

/// <summary>
/// Per-image overlap scores between a predicted and a true mask, the evaluation of the design
/// (foreground IoU and DICE at threshold 0.5, averaged over images). A pixel is foreground when its
/// value is at least the threshold. When both masks are empty the prediction is perfect: 1.
/// </summary>
public static class MaskMetrics
{
    public const float DefaultThreshold = 0.5f;

    /// <summary>|P ∩ T| / |P ∪ T|.</summary>
    public static double Iou(HostImage prediction, HostImage truth, float threshold = DefaultThreshold) =>
        Iou(CheckedData(prediction, truth, nameof(prediction)), truth.Data, threshold);

    /// <summary>2 |P ∩ T| / (|P| + |T|).</summary>
    public static double Dice(HostImage prediction, HostImage truth, float threshold = DefaultThreshold) =>
        Dice(CheckedData(prediction, truth, nameof(prediction)), truth.Data, threshold);

    public static double Iou(ReadOnlySpan<float> prediction, ReadOnlySpan<float> truth, float threshold = DefaultThreshold)
    {
        var (both, predicted, actual) = Counts(prediction, truth, threshold);
        long union = predicted + actual - both;
        return union == 0 ? 1.0 : (double)both / union;
    }

    public static double Dice(ReadOnlySpan<float> prediction, ReadOnlySpan<float> truth, float threshold = DefaultThreshold)
    {
        var (both, predicted, actual) = Counts(prediction, truth, threshold);
        long total = predicted + actual;
        return total == 0 ? 1.0 : 2.0 * both / total;
    }

    /// <summary>(|P ∩ T|, |P|, |T|) in pixels.</summary>
    public static (long Intersection, long Predicted, long Truth) Counts(ReadOnlySpan<float> prediction, ReadOnlySpan<float> truth, float threshold = DefaultThreshold)
    {
        if (prediction.Length != truth.Length)
            throw new ArgumentException($"mask sizes differ: {prediction.Length} vs {truth.Length} pixels", nameof(prediction));
        long both = 0, predicted = 0, actual = 0;
        for (int i = 0; i < prediction.Length; i++)
        {
            bool p = prediction[i] >= threshold, t = truth[i] >= threshold;
            if (p) predicted++;
            if (t) actual++;
            if (p && t) both++;
        }
        return (both, predicted, actual);
    }

    private static float[] CheckedData(HostImage prediction, HostImage truth, string name)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(truth);
        if (prediction.Channels != 1 || truth.Channels != 1)
            throw new ArgumentException($"masks must have 1 channel, got {prediction.Channels} and {truth.Channels}", name);
        if (prediction.Height != truth.Height || prediction.Width != truth.Width)
            throw new ArgumentException($"mask sizes differ: {prediction.Width}x{prediction.Height} vs {truth.Width}x{truth.Height}", name);
        return prediction.Data;
    }
}

/// <summary>Mean per-image IoU and DICE over a set of images.</summary>
public readonly record struct MaskScore(double MeanIou, double MeanDice, int Count)
{
    public override string ToString() => $"IoU {MeanIou:F4}  DICE {MeanDice:F4}  over {Count} images";
}

/// <summary>Accumulates per-image scores; <see cref="Score"/> gives the averages.</summary>
public sealed class MaskScoreAccumulator
{
    private double _iou, _dice;
    private int _count;

    public void Add(HostImage prediction, HostImage truth, float threshold = MaskMetrics.DefaultThreshold)
    {
        _iou += MaskMetrics.Iou(prediction, truth, threshold);
        _dice += MaskMetrics.Dice(prediction, truth, threshold);
        _count++;
    }

    public MaskScore Score => _count == 0 ? new MaskScore(double.NaN, double.NaN, 0) : new MaskScore(_iou / _count, _dice / _count, _count);
}
