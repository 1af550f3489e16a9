using KernelGan.Kernels;

namespace KernelGan.Cli;

/// <summary>The --device option every command shares.</summary>
public static class DeviceOption
{
    public static OptionSpec Spec(string defaultDevice = "auto") =>
        new("device", $"compute device: {string.Join("|", Device.Names)}", defaultDevice, ValueName: "NAME");

    /// <summary>Opens the device the command runs on (the command hands it to what it builds).</summary>
    public static IBackend Open(CliArguments args) => Device.Open(args.Required("device"));
}
