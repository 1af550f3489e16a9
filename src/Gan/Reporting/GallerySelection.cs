namespace KernelGan.Gan.Reporting;

/// <summary>
/// Which scored items a report shows: the worst first (what a user must see before trusting the
/// masks), then the best; ties go to the earlier item, so the choice is the same on every run.
/// </summary>
public static class GallerySelection
{
    public const int DefaultWorst = 24, DefaultBest = 12;

    /// <summary>
    /// Indices of the <paramref name="worst"/> lowest scores, lowest first, then of the
    /// <paramref name="best"/> highest among the rest, highest first. NaN scores count as the worst.
    /// </summary>
    public static List<int> WorstThenBest(IReadOnlyList<double> scores, int worst = DefaultWorst, int best = DefaultBest)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(worst);
        ArgumentOutOfRangeException.ThrowIfNegative(best);
        double Key(int i) => double.IsNaN(scores[i]) ? double.NegativeInfinity : scores[i];
        var ascending = Enumerable.Range(0, scores.Count).OrderBy(Key).ThenBy(i => i).ToList();
        var low = ascending.Take(worst).ToList();
        var high = ascending.Skip(low.Count).OrderByDescending(Key).ThenBy(i => i).Take(best);
        return [.. low, .. high];
    }
}
