using KernelGan.Tests.Engine;
using Xunit;

namespace KernelGan.Tests.Ilgpu;

/// <summary>Packed Adam and EMA on ILGPU's CPU accelerator (one launch per arena) against its per-tensor launches, bit for bit.</summary>
[Collection(SimulatorCollection.Name)]
public class PackedUpdateOnSimulatorTests
{
    [Fact]
    public void PackedAdamAndEmaMatchPerTensorBitForBit() => PackedUpdateTests.AssertSameBits(Device.Open("ilgpu-cpu"), width: 24, steps: 3);
}
