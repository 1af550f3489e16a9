using KernelGan.Gan.Data;
using Xunit;

namespace KernelGan.Tests.Data;

public class MaskMetricsTests
{
    private static HostImage Mask(params float[] values) => new(1, 1, values.Length, values);

    [Fact]
    public void Iou_and_dice_on_hand_made_cases()
    {
        var truth = Mask(1, 1, 1, 1, 0, 0, 0, 0);
        var half = Mask(1, 1, 0, 0, 0, 0, 0, 0);        // 2 of 4, no false positives
        var shifted = Mask(0, 0, 1, 1, 1, 1, 0, 0);     // 2 shared, union 6
        Assert.Equal(1.0, MaskMetrics.Iou(truth, truth));
        Assert.Equal(0.5, MaskMetrics.Iou(half, truth), 10);
        Assert.Equal(2.0 / 3.0, MaskMetrics.Dice(half, truth), 10);
        Assert.Equal(2.0 / 6.0, MaskMetrics.Iou(shifted, truth), 10);
        Assert.Equal(0.5, MaskMetrics.Dice(shifted, truth), 10);
        Assert.Equal(0.0, MaskMetrics.Iou(Mask(0, 0, 0, 0, 1, 1, 1, 1), truth));
    }

    [Fact]
    public void Empty_against_empty_scores_one_and_empty_against_object_zero()
    {
        var empty = Mask(0, 0, 0);
        Assert.Equal(1.0, MaskMetrics.Iou(empty, empty));
        Assert.Equal(1.0, MaskMetrics.Dice(empty, empty));
        Assert.Equal(0.0, MaskMetrics.Iou(empty, Mask(0, 1, 0)));
        Assert.Equal(0.0, MaskMetrics.Dice(Mask(0, 1, 0), empty));
    }

    [Fact]
    public void Soft_predictions_are_thresholded_at_one_half()
    {
        Assert.Equal(1.0 / 3.0, MaskMetrics.Iou(Mask(0.9f, 0.4f, 0.5f), Mask(1, 1, 0)), 10); // P = {0, 2} (0.5 counts), T = {0, 1}
    }

    [Fact]
    public void Mismatched_sizes_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => MaskMetrics.Iou(Mask(1, 0), Mask(1, 0, 0)));
    }

    [Fact]
    public void Accumulator_averages_per_image_scores()
    {
        var acc = new MaskScoreAccumulator();
        acc.Add(Mask(1, 1), Mask(1, 1));
        acc.Add(Mask(1, 0), Mask(0, 1));
        Assert.Equal(new MaskScore(0.5, 0.5, 2), acc.Score);
    }

    [Fact]
    public void Ellipse_baselines_match_a_set_of_identical_ellipses()
    {
        var ellipse = Baselines.Ellipse(40, 40, 20, 20, 12, 6, 0);
        var masks = Enumerable.Repeat(ellipse, 5).ToList();
        Assert.InRange(DatasetStats.MeanForegroundFraction(masks), Math.PI * 72 / 1600 - 0.02, Math.PI * 72 / 1600 + 0.02);
        Assert.True(Baselines.Evaluate(Baselines.CentredEllipse(masks), masks).MeanIou > 0.85);
        var best = Baselines.BestFixedEllipse(masks);
        Assert.True(Baselines.Evaluate(best, masks).MeanIou > 0.9);
    }

    [Fact]
    public void Best_fixed_ellipse_is_a_meaningful_baseline_on_synthetic_data()
    {
        var test = SyntheticDataset.ObjectCentric(32, DataSplit.Test);
        var masks = DatasetStats.Masks(test, limit: 100);
        var centred = Baselines.Evaluate(Baselines.CentredEllipse(masks), masks);
        var best = Baselines.Evaluate(Baselines.BestFixedEllipse(masks), masks);
        Assert.InRange(centred.MeanIou, 0.2, 0.85);
        Assert.True(best.MeanIou >= centred.MeanIou - 0.02);
    }
}
