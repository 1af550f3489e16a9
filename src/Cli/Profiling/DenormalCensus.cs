using KernelGan.Kernels;

namespace KernelGan.Cli.Profiling;

/// <summary>
/// Counts subnormal floats (nonzero, below float's smallest normal, 2^-126) in the operands of the
/// convolutions a step runs. x86 cores without flush-to-zero (and .NET offers no switch for it)
/// take a microcode assist of ~100 cycles for each subnormal an FMA reads or writes, so a kernel
/// fed them can run tens of times slower on the same shape: `bench profile --denormals` shows where.
/// Downloads every operand after every call: for diagnosis only, never timed.
/// </summary>
public sealed class DenormalCensus
{
    private readonly Dictionary<string, (long Subnormal, long Total)> _counts = new();

    public void Count(IBackend backend, string key, DeviceBuffer buffer, int length)
    {
        var values = new float[length];
        backend.Download(buffer, 0, values);
        long subnormal = 0;
        foreach (float v in values)
            if (float.IsSubnormal(v)) subnormal++;
        _counts.TryGetValue(key, out var c);
        _counts[key] = (c.Subnormal + subnormal, c.Total + length);
    }

    public void Print(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("subnormal floats in convolution operands (share of the operand's values; all others 0):");
        var rows = _counts.Where(c => c.Value.Subnormal > 0).OrderByDescending(c => (double)c.Value.Subnormal / c.Value.Total).ToList();
        foreach (var (key, (subnormal, total)) in rows)
            output.WriteLine($"{key,-72} {100.0 * subnormal / total,8:F3}%");
        if (rows.Count == 0) output.WriteLine("(none)");
    }
}
