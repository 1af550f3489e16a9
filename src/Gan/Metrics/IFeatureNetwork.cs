namespace KernelGan.Gan.Metrics;

/// <summary>
/// A network that maps images to feature vectors: what FID and KID compare (the standard choice
/// is Inception-v3's 2048-d pool features, which users bring as an ONNX file; nothing here
/// downloads weights). The statistics (<c>FrechetDistance</c>, <c>KernelInceptionDistance</c>) need
/// only this; the ONNX interpreter provides one implementation, tests provide small ones.
/// </summary>
public interface IFeatureNetwork : IDisposable
{
    /// <summary>The square side the network takes; callers resize images to it.</summary>
    int InputSize { get; }

    /// <summary>Length of one image's feature vector.</summary>
    int FeatureCount { get; }

    /// <summary>
    /// Features of <paramref name="n"/> RGB images, NCHW [n, 3, InputSize, InputSize] with values in
    /// [0, 1]; returns n * FeatureCount values, image-major. Any rescaling the network expects
    /// (to [-1, 1], ImageNet mean/std, 0..255) is the implementation's job.
    /// </summary>
    float[] Features(ReadOnlySpan<float> images, int n);
}
