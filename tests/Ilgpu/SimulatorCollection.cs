using Xunit;

namespace KernelGan.Tests.Ilgpu;

/// <summary>
/// Tests that use ILGPU's CPU simulator run one at a time: they share one simulated device.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SimulatorCollection
{
    public const string Name = "ILGPU simulator";
}
