using KernelGan.Gan.Segmentation;

namespace KernelGan.Tests.Segmentation;

/// <summary>
/// A run directory holding only segmenter.kgc: an untrained 32-px U-Net, written by the same
/// <see cref="MaskPredictor.Save"/> the trainer uses. The library's tests check sizes, plumbing and
/// errors, which need a loadable segmenter, not a good one, so no training is spent on it.
/// </summary>
public sealed class TinySegmenterRun : IDisposable
{
    public const int ModelSize = 32;

    public string Root { get; } = Directory.CreateTempSubdirectory("kg-lib-").FullName;
    public string Run => Path.Combine(Root, "run");

    public TinySegmenterRun()
    {
        Directory.CreateDirectory(Run);
        var unet = new UNet(Device.Cpu, new Rng(7), 3, width: 8, depth: 2);
        MaskPredictor.Save(Path.Combine(Run, "segmenter.kgc"), unet, ModelSize);
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
