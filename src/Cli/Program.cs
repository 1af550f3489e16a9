using KernelGan.Cli.Commands;
using KernelGan.Kernels;

namespace KernelGan.Cli;

/// <summary>
/// The `kernelgan` command. Expected failures (bad options, missing or corrupt files, absent
/// devices, broken checkpoints) print one line naming what and where, and exit non-zero without
/// a stack trace; KERNELGAN_DEBUG=1 shows the trace of anything unexpected.
/// </summary>
public static class Program
{
    public static IReadOnlyList<ICommand> Commands { get; } =
    [
        new TrainCommand(), new GenerateCommand(), new ExportCommand(), new SegmentCommand(), new EvalCommand(), new SelfTrainCommand(), new HocCommand(),
        new BenchCommand(), new DevicesCommand(), new SelfTestCommand(),
    ];

    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
        {
            PrintUsage(Console.Out);
            return args.Length == 0 ? 2 : 0;
        }
        var command = Commands.FirstOrDefault(c => c.Name == args[0]);
        if (command is null)
        {
            Console.Error.WriteLine($"kernelgan: unknown command '{args[0]}' (commands: {string.Join(", ", Commands.Select(c => c.Name))})");
            return 2;
        }
        var rest = args[1..];
        if (rest.Contains("--help") || rest.Contains("-h"))
        {
            PrintCommandHelp(command, Console.Out);
            return 0;
        }
        try
        {
            // Commands with a sub-action (bench step) take it as the first word.
            if (command is BenchCommand bench)
            {
                if (rest.Length == 0 || rest[0].StartsWith("--")) return bench.Run(CliArguments.Parse(command.Name, command.Options, rest));
                return bench.Run(rest[0], CliArguments.Parse(command.Name, command.Options, rest[1..]));
            }
            return command.Run(CliArguments.Parse(command.Name, command.Options, rest));
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"kernelgan {e.Message}");
            return 2;
        }
        catch (Exception e) when (IsExpected(e))
        {
            Console.Error.WriteLine($"kernelgan {command.Name}: error: {e.Message}");
            return 1;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("KERNELGAN_DEBUG") != "1")
        {
            Console.Error.WriteLine($"kernelgan {command.Name}: internal error: {e.GetType().Name}: {e.Message} (KERNELGAN_DEBUG=1 shows the stack trace)");
            return 70;
        }
    }

    private static bool IsExpected(Exception e) =>
        e is DeviceException or IOException or UnauthorizedAccessException or ShapeException
          or Gan.Training.CheckpointException or Gan.Data.DataException or Gan.Training.TrainingDivergedException
          or Gan.Onnx.OnnxException;

    public static void PrintUsage(TextWriter w)
    {
        w.WriteLine("kernelgan: layered GANs that learn segmentation masks without mask labels");
        w.WriteLine();
        w.WriteLine("usage: kernelgan <command> [options]     (kernelgan <command> --help for its options)");
        w.WriteLine();
        foreach (var c in Commands) w.WriteLine($"  {c.Name,-10} {c.Summary}");
    }

    public static void PrintCommandHelp(ICommand command, TextWriter w)
    {
        w.WriteLine($"kernelgan {command.Name}: {command.Summary}");
        w.WriteLine();
        foreach (var o in command.Options)
        {
            string left = o.IsFlag ? $"--{o.Name}" : $"--{o.Name} {o.ValueName}";
            string def = o.Default is null || o.IsFlag ? "" : $" (default: {o.Default})";
            w.WriteLine($"  {left,-28} {o.Help}{def}");
        }
    }
}
