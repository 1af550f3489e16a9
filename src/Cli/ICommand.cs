namespace KernelGan.Cli;

/// <summary>A `kernelgan` subcommand: its name, one-line summary, options, and what it does.</summary>
public interface ICommand
{
    string Name { get; }
    string Summary { get; }
    IReadOnlyList<OptionSpec> Options { get; }
    int Run(CliArguments args);
}
