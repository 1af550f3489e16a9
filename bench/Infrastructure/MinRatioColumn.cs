using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace KernelGan.Bench.Infrastructure;

/// <summary>
/// This case's fastest iteration over the baseline job's fastest iteration for the same method and
/// parameters. On a shared machine the minimum is the statistic least disturbed by other work,
/// so this ratio is steadier than BenchmarkDotNet's mean-based Ratio.
/// </summary>
public sealed class MinRatioColumn : IColumn
{
    public string Id => "Ratio@Min";
    public string ColumnName => "Ratio@Min";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Baseline;
    public int PriorityInCategory => 1;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Min of this job / Min of the baseline job (same method and parameters)";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(c => c.Job.Meta.Baseline);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var baseline = summary.GetBaseline(summary.GetLogicalGroupKey(benchmarkCase));
        double? min = summary[benchmarkCase]?.ResultStatistics?.Min;
        double? baseMin = baseline is null ? null : summary[baseline]?.ResultStatistics?.Min;
        return min is > 0 && baseMin is > 0 ? (min.Value / baseMin.Value).ToString("F2") : "-";
    }
}
