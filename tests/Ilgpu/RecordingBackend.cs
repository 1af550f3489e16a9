using System.Collections.Concurrent;
using KernelGan.Kernels;

namespace KernelGan.Tests.Ilgpu;

/// <summary>
/// Passes every call through to another backend and records which <see cref="IBackend"/> members
/// were called, so a test can see what a suite actually exercised rather than what it claims to.
/// </summary>
internal sealed class RecordingBackend(IBackend inner) : DelegatingBackend(inner)
{
    private readonly ConcurrentDictionary<string, int> _calls = new();

    /// <summary>How many times each member was called (members never called are absent).</summary>
    public IReadOnlyDictionary<string, int> Calls => _calls;

    protected override void OnCall(string member) => _calls.AddOrUpdate(member, 1, (_, n) => n + 1);

    /// <summary>The inner backend is shared (e.g. <see cref="Device.Cpu"/>): not ours to dispose.</summary>
    public override void Dispose() { }
}
