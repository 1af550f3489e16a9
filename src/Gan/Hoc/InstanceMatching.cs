namespace KernelGan.Gan.Hoc;

/// <summary>
/// Scores predicted instances against true ones on the same pixel grid: a true instance is matched
/// when a predicted instance overlaps it with IoU >= 0.5, one-to-one, pairs taken greedily by IoU
/// (with disjoint instances only a tie at exactly 0.5 can offer one prediction to two truths).
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
        var pairs = intersections
            .Select(kv => (kv.Key.T, kv.Key.P, Iou: (double)kv.Value / (trueArea[kv.Key.T] + predArea[kv.Key.P] - kv.Value)))
            .OrderByDescending(x => x.Iou).ThenBy(x => x.T).ThenBy(x => x.P).ToList();
        var best = new double[trueCount + 1];
        foreach (var (t, _, iou) in pairs) best[t] = Math.Max(best[t], iou);
        var matchedIou = new Dictionary<int, double>();
        var usedPredictions = new HashSet<int>();
        foreach (var (t, q, iou) in pairs)
        {
            if (iou < threshold) break;
            if (matchedIou.ContainsKey(t) || !usedPredictions.Add(q)) continue;
            matchedIou[t] = iou;
        }
        var present = Enumerable.Range(1, trueCount).Where(t => trueArea[t] > 0).ToList();
        return new Score(present.Count, predArea.Skip(1).Count(a => a > 0), matchedIou.Count,
            matchedIou.Count == 0 ? 0 : matchedIou.Values.Average(),
            present.Count == 0 ? 0 : present.Average(t => best[t]));
    }
}
