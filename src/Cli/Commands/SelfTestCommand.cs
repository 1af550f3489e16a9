using KernelGan.Kernels.Checks;
using KernelGan.Kernels.Cpu;

namespace KernelGan.Cli.Commands;

/// <summary>
/// `kernelgan selftest`: checks a device without the .NET SDK or the test suite. Every backend
/// kernel runs on the same inputs on the CPU backend and on the device and must agree within its
/// tolerance; then a few ref64 train steps run from the same seed on both and their losses are
/// compared, and the device's step time is printed.
/// </summary>
public sealed class SelfTestCommand : ICommand
{
    public string Name => "selftest";
    public string Summary => "compare every kernel and a few ref64 train steps on a device against the CPU backend";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        DeviceOption.Spec("auto"),
        new("scale", "input sizes: tiny | realistic (ref64 layer shapes)", "realistic", ValueName: "SCALE"),
        new("steps", "ref64 train steps to compare and time", "5", ValueName: "N"),
        new("batch", "batch of those steps", "32", ValueName: "N"),
        DeviceOption.PrecisionSpec(),
    ];

    public int Run(CliArguments args)
    {
        if (DeviceOption.Precision(args) is var precision && precision != KernelGan.Kernels.GemmPrecision.Fp32)
            return CheckTensorCores(args, precision);
        var device = DeviceOption.Open(args);
        var scale = args.Choice("scale", ("tiny", ComparisonScale.Tiny), ("realistic", ComparisonScale.Realistic));
        int steps = args.Int("steps", 0, 1000), batch = args.Int("batch", 2, 4096);
        var reference = new CpuBackend();
        Console.WriteLine($"selftest: {device.Name} against {reference.Name}, {scale} inputs");
        var results = new BackendComparison(reference, device, scale).Run(r => Console.WriteLine($"  {r}"));
        Console.WriteLine(BackendComparison.Summarize(results, device.Name));
        bool ok = results.All(r => r.Pass);
        if (steps > 0) ok &= CompareTraining(reference, device, steps, batch);
        Console.WriteLine(ok ? "selftest: PASS" : "selftest: FAIL");
        return ok ? 0 : 1;
    }

    /// <summary>
    /// --precision tf32|bf16: the device's tensor-core GEMM against its own fp32 GEMM, within the
    /// bounds the format's rounding allows (the fp32 kernels themselves are what plain selftest checks).
    /// </summary>
    private static int CheckTensorCores(CliArguments args, KernelGan.Kernels.GemmPrecision precision)
    {
        var tensor = DeviceOption.Open(args);
        var fp32 = KernelGan.Device.Open(args.Required("device"));
        bool realistic = args.Choice("scale", ("tiny", false), ("realistic", true));
        Console.WriteLine($"selftest: {tensor.Name} GEMMs against {fp32.Name}'s fp32 GEMMs");
        var failures = TensorCoreGemmCheck.Run(tensor, fp32, precision, realistic, line => Console.WriteLine($"  {line}"));
        foreach (var failure in failures) Console.WriteLine($"  FAIL {failure}");
        Console.WriteLine(failures.Count == 0 ? "selftest: PASS" : "selftest: FAIL");
        return failures.Count == 0 ? 0 : 1;
    }

    /// <summary>Same seed, same data: the device's losses must track the CPU's over a few steps.</summary>
    private static bool CompareTraining(CpuBackend reference, KernelGan.Kernels.IBackend device, int steps, int batch)
    {
        var results = Ref64StepComparison.Run(reference, device, steps, batch, s => Console.WriteLine($"  {s}"));
        if (results.Count > 1)
            Console.WriteLine(FormattableString.Invariant(
                $"  device ref64 step at batch {batch}: {results.Skip(1).Average(s => s.DeviceMs):F1} ms (mean after the first)"));
        return results.All(s => s.Match);
    }
}
