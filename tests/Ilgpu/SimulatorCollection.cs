using Xunit;

namespace KernelGan.Tests.Ilgpu;

/// <summary>
/// Tests that use ILGPU's CPU simulator run one at a time: they share one simulated device, and
/// some switch <see cref="Device.Default"/> while building a model, which must not leak into
/// tests running in parallel.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SimulatorCollection
{
    public const string Name = "ILGPU simulator";
}
