using System.Diagnostics;

namespace KernelGan.Tests.Packaging;

/// <summary>Runs the `dotnet` that runs these tests as a child process, with output captured.</summary>
public static class DotnetCommand
{
    public sealed record Result(int ExitCode, string Output);

    public static string Executable => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    public static Result Run(string workingDirectory, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        // The test host runs under `dotnet test`, whose MSBuild variables point at its own build;
        // a nested build must find its SDK and settings afresh, as a user's would.
        foreach (var key in start.Environment.Keys.ToList())
            if (key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
                start.Environment.Remove(key);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;

        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            lock (output) return new Result(-1, $"timed out after {timeout}: dotnet {string.Join(' ', args)}\n{output}");
        }
        process.WaitForExit(); // drains the redirected output
        lock (output) return new Result(process.ExitCode, output.ToString());
    }
}
