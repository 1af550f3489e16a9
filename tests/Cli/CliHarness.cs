using Xunit;

namespace KernelGan.Tests.Cli;

/// <summary>Console redirection is process-wide, so tests that run the CLI in-process, or make the finalizer thread write to standard error, run one at a time and alone.</summary>
[CollectionDefinition("cli", DisableParallelization = true)]
public sealed class CliCollection;

public static class CliHarness
{
    private static readonly object Gate = new();

    public sealed record Result(int ExitCode, string Out, string Error)
    {
        public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public static Result Run(params string[] args)
    {
        lock (Gate)
        {
            var oldOut = Console.Out;
            var oldErr = Console.Error;
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            Console.SetOut(stdout);
            Console.SetError(stderr);
            try
            {
                int code = KernelGan.Cli.Program.Main(args);
                return new Result(code, stdout.ToString(), stderr.ToString());
            }
            finally
            {
                Console.SetOut(oldOut);
                Console.SetError(oldErr);
            }
        }
    }

    /// <summary>Asserts a clean failure: non-zero exit, exactly one line on stderr containing each fragment, no stack trace.</summary>
    public static void AssertOneLineError(Result r, params string[] fragments)
    {
        Assert.NotEqual(0, r.ExitCode);
        Assert.True(r.ErrorLines.Length == 1, $"expected one error line, got:\n{r.Error}");
        Assert.DoesNotContain("   at ", r.Error);
        foreach (var f in fragments) Assert.Contains(f, r.Error);
    }
}
