using KernelGan.Gan.Data;

namespace KernelGan.Tests.Training;

/// <summary>Images of NaN: every step trained on them has NaN losses (the divergence tests).</summary>
internal sealed class PoisonedImages : IImageDataset
{
    public int Count => 16;
    public int Size => 32;
    public HostImage Image(int index) => new(3, 32, 32, Enumerable.Repeat(float.NaN, 3 * 32 * 32).ToArray());
    public HostImage? Mask(int index) => null;
    public string Name(int index) => $"nan-{index}";
}
