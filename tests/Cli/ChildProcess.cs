using System.Diagnostics;
using System.Text;

namespace KernelGan.Tests.Cli;

/// <summary>
/// The built `kernelgan` (kernelgan.dll beside the tests) as a child process, with its output
/// collected as it comes: for tests that must kill it (SIGKILL cannot be aimed at in-process code).
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _out = new(), _err = new();

    public ChildProcess(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(typeof(KernelGan.Cli.Program).Assembly.Location);
        foreach (var a in args) start.ArgumentList.Add(a);
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_out) _out.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_err) _err.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Out { get { lock (_out) return _out.ToString(); } }
    public string Error { get { lock (_err) return _err.ToString(); } }
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    /// <summary>SIGTERM, as a service manager or `kill` sends it: the run's stop handler sees it.</summary>
    public void Terminate() => SendSignal(_process.Id, 15);

    /// <summary>SIGKILL (Process.Kill on Unix): no handler, no finally block, no flush runs.</summary>
    public void Kill()
    {
        try { _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { /* it had already exited */ }
        _process.WaitForExit();
    }

    /// <summary>
    /// Waits until <paramref name="text"/> has arrived on stdout: the output is read asynchronously,
    /// so on a busy machine a line the child printed before writing a file can reach us after it.
    /// </summary>
    public bool WaitForOutput(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!Out.Contains(text))
        {
            if (clock.Elapsed > timeout) return false;
            Thread.Sleep(5);
        }
        return true;
    }

    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) return false;
        _process.WaitForExit(); // drains the redirected output
        return true;
    }

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
    }
}
