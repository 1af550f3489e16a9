namespace KernelGan.Gan.Training;

/// <summary>
/// The columns one method's steps report, in metrics.csv order, and how a progress line shows
/// them. Names mean the same thing in every method (loss_d, adv, area, mi, mask_mean, d_real...),
/// so report.html charts both methods' runs from the same column names; the order is each
/// method's own and must not change, since a resumed run appends to the metrics.csv it began.
/// </summary>
public sealed class GanStepColumns
{
    private readonly Dictionary<string, int> _index;
    private readonly Func<GanStepStats, string> _describe;

    /// <param name="values">The columns after "step".</param>
    public GanStepColumns(IReadOnlyList<string> values, Func<GanStepStats, string> describe)
    {
        Values = values;
        _describe = describe;
        _index = values.Select((name, i) => (name, i)).ToDictionary(c => c.name, c => c.i);
    }

    public IReadOnlyList<string> Values { get; }

    public string CsvHeader => "step," + string.Join(",", Values);

    public bool Has(string column) => _index.ContainsKey(column);

    public int IndexOf(string column) => _index.TryGetValue(column, out int i) ? i
        : throw new ArgumentException($"no step statistic '{column}' (this method reports {string.Join(",", Values)})");

    public string Describe(GanStepStats stats) => _describe(stats);
}
