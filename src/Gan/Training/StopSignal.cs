using System.Runtime.InteropServices;

namespace KernelGan.Gan.Training;

/// <summary>
/// Turns Ctrl-C and SIGTERM into a polite request: the loop finishes its step, writes a
/// checkpoint and returns, instead of the process dying mid-write.
/// </summary>
public sealed class StopSignal : IDisposable
{
    private readonly PosixSignalRegistration? _term;
    private volatile bool _requested;

    public StopSignal()
    {
        Console.CancelKeyPress += OnCancel;
        try { _term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; _requested = true; }); }
        catch (PlatformNotSupportedException) { _term = null; }
    }

    public bool Requested => _requested;

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        if (_requested) return; // a second Ctrl-C kills as usual
        e.Cancel = true;
        _requested = true;
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancel;
        _term?.Dispose();
    }
}
