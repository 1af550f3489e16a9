using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace KernelGan.Bench.Infrastructure;

/// <summary>
/// GFLOP/s from the measured median: the column builds a throwaway instance of the benchmark class,
/// sets the case's parameter values on it and asks it (<see cref="IFlopCounted"/>) for the FLOPs.
/// </summary>
public sealed class GflopsColumn : IColumn
{
    public string Id => "GFLOP/s";
    public string ColumnName => "GFLOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Floating-point operations per second (2 per multiply-add), from the median (robust to other load on the machine)";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        double? medianNs = report?.ResultStatistics?.Median;
        if (medianNs is null or <= 0) return "-";
        var type = benchmarkCase.Descriptor.Type;
        if (Activator.CreateInstance(type) is not IFlopCounted counted) return "-";
        foreach (var parameter in benchmarkCase.Parameters.Items)
        {
            var property = type.GetProperty(parameter.Name);
            if (property is not null) property.SetValue(counted, parameter.Value);
            else type.GetField(parameter.Name)?.SetValue(counted, parameter.Value);
        }
        double flops = counted.FlopsOf(benchmarkCase.Descriptor.WorkloadMethod.Name);
        return flops <= 0 ? "-" : (flops / medianNs.Value).ToString("F1");
    }
}
