using KernelGan.Kernels;

namespace KernelGan.Cli;

/// <summary>The --device option every command shares.</summary>
public static class DeviceOption
{
    public static OptionSpec Spec(string defaultDevice = "auto") =>
        new("device", $"compute device: {string.Join("|", Device.Names)}", defaultDevice, ValueName: "NAME");

    /// <summary>Opens the device and makes it the default for new tensors.</summary>
    public static IBackend Open(CliArguments args)
    {
        var backend = Device.Open(args.Required("device"));
        Device.Default = backend;
        return backend;
    }
}
