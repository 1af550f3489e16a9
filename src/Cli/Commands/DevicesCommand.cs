using KernelGan.Kernels.Ilgpu;

namespace KernelGan.Cli.Commands;

/// <summary>Lists the compute devices this machine offers.</summary>
public sealed class DevicesCommand : ICommand
{
    public string Name => "devices";
    public string Summary => "list the CPU and the GPUs (CUDA, OpenCL) found";
    public IReadOnlyList<OptionSpec> Options { get; } = [];

    public int Run(CliArguments args)
    {
        Console.WriteLine($"cpu        {Device.Cpu.Name}");
        foreach (var line in IlgpuDevices.Describe()) Console.WriteLine(line);
        return 0;
    }
}
