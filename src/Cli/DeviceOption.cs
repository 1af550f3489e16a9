using KernelGan.Kernels;

namespace KernelGan.Cli;

/// <summary>The --device option every command shares, and --precision where a command offers it.</summary>
public static class DeviceOption
{
    public static OptionSpec Spec(string defaultDevice = "auto") =>
        new("device", $"compute device: {string.Join("|", Device.Names)}", defaultDevice, ValueName: "NAME");

    /// <summary>
    /// --precision: the input format of GEMMs and convolutions. tf32/bf16 run on CUDA tensor cores
    /// (or emulated on ilgpu-cpu); other devices refuse them with one line rather than ignore them.
    /// </summary>
    public static OptionSpec PrecisionSpec() =>
        new("precision", "GEMM/conv inputs: fp32 (reference) | tf32 | bf16 (CUDA tensor cores, fp32 accumulation; emulated on ilgpu-cpu)", "fp32", ValueName: "NAME");

    /// <summary>Opens the device the command runs on (the command hands it to what it builds).</summary>
    public static IBackend Open(CliArguments args) => Device.Open(args.Required("device"), Precision(args));

    /// <summary>The --precision given, fp32 where the command has no such option.</summary>
    public static GemmPrecision Precision(CliArguments args) => Parse(args.String("precision") ?? "fp32");

    /// <summary>A precision name as a usage error when unknown (the CLI's one-line message, exit code 2).</summary>
    public static GemmPrecision Parse(string name)
    {
        try
        {
            return GemmPrecisions.Parse(name);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--precision: {e.Message}");
        }
    }
}
