namespace KernelGan.Gan.Hoc;

/// <summary>
/// Scores predicted instances against true ones on the same pixel grid: a true instance is matched
/// when some predicted instance overlaps it with IoU >= 0.5 (with disjoint predictions and disjoint
/// truths at most one prediction can, so matching is one-to-one without an assignment step).
/// </summary>
public static class InstanceMatching
{
    public sealed record Score(int TrueInstances, int PredictedInstances, int Matched, double MeanMatchedIou, double MeanBestIou)
    {
        /// <summary>Fraction of true instances matched (recall at IoU 0.5).</summary>
        public double MatchedFraction => TrueInstances == 0 ? double.NaN : (double)Matched / TrueInstances;

        /// <summary>Fraction of predicted instances that match a true one.</summary>
        public double Precision => PredictedInstances == 0 ? double.NaN : (double)Matched / PredictedInstances;
    }

    public static Score Match(int[] truth, int trueCount, int[] predicted, int predictedCount, double threshold = 0.5)
    {
        if (truth.Length != predicted.Length) throw new ArgumentException($"label maps differ in size ({truth.Length} vs {predicted.Length} pixels)");
        var intersections = new Dictionary<(int T, int P), int>();
        var trueArea = new int[trueCount + 1];
        var predArea = new int[predictedCount + 1];
        for (int p = 0; p < truth.Length; p++)
        {
            int t = truth[p], q = predicted[p];
            if (t > 0) trueArea[t]++;
            if (q > 0) predArea[q]++;
            if (t > 0 && q > 0) intersections[(t, q)] = intersections.GetValueOrDefault((t, q)) + 1;
        }
        var best = new double[trueCount + 1];
        foreach (var ((t, q), inter) in intersections)
        {
            double iou = (double)inter / (trueArea[t] + predArea[q] - inter);
            if (iou > best[t]) best[t] = iou;
        }
        var present = Enumerable.Range(1, trueCount).Where(t => trueArea[t] > 0).ToList();
        var matched = present.Where(t => best[t] >= threshold).ToList();
        return new Score(present.Count, predArea.Skip(1).Count(a => a > 0), matched.Count,
            matched.Count == 0 ? 0 : matched.Average(t => best[t]),
            present.Count == 0 ? 0 : present.Average(t => best[t]));
    }
}
