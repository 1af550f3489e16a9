using KernelGan.Gan.Data;

namespace KernelGan.Segmentation;

/// <summary>
/// A foreground mask at the segmented image's own size: one probability in [0, 1] per pixel,
/// row-major (index = y * <see cref="Width"/> + x).
/// </summary>
public sealed class Mask
{
    private readonly HostImage _probabilities;

    internal Mask(HostImage probabilities)
    {
        if (!probabilities.IsMask) throw new ArgumentException($"a mask has one channel, not {probabilities.Channels}", nameof(probabilities));
        _probabilities = probabilities;
    }

    public int Width => _probabilities.Width;
    public int Height => _probabilities.Height;

    /// <summary>Foreground probabilities, row-major.</summary>
    public ReadOnlySpan<float> Probabilities => _probabilities.Data;

    /// <summary>The foreground probability at column <paramref name="x"/>, row <paramref name="y"/>.</summary>
    public float this[int x, int y] => (uint)x < (uint)Width && (uint)y < (uint)Height
        ? _probabilities[0, y, x]
        : throw new ArgumentOutOfRangeException(nameof(x), $"pixel ({x}, {y}) is outside the {Width}x{Height} mask");

    /// <summary>One byte per pixel, row-major: 1 where the probability is at least <paramref name="threshold"/>, else 0.</summary>
    public byte[] ToBinary(float threshold = 0.5f)
    {
        var binary = new byte[_probabilities.Data.Length];
        var p = _probabilities.Data;
        for (int i = 0; i < binary.Length; i++) binary[i] = p[i] >= threshold ? (byte)1 : (byte)0;
        return binary;
    }

    /// <summary>The share of pixels whose probability is at least <paramref name="threshold"/>.</summary>
    public double ForegroundFraction(float threshold = 0.5f)
    {
        int count = 0;
        foreach (float v in _probabilities.Data) if (v >= threshold) count++;
        return (double)count / _probabilities.Data.Length;
    }

    /// <summary>Writes the mask as a gray PNG: 255 where the probability is at least <paramref name="threshold"/>, else 0 (what `kernelgan segment` writes).</summary>
    public void SavePng(string path, float threshold = 0.5f) => ImageIo.SavePng(path, ImageOps.Threshold(_probabilities, threshold));

    /// <summary>The probabilities as the library's 1-channel image (for code that uses KernelGan.Gan directly).</summary>
    public HostImage ToHostImage() => _probabilities.Clone();

    public override string ToString() => $"Mask {Width}x{Height}";
}
