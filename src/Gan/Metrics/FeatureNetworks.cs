using KernelGan.Gan.Data;
using KernelGan.Kernels;

namespace KernelGan.Gan.Metrics;

/// <summary>Opens the feature network a user names with <c>--features FILE</c>.</summary>
public static class FeatureNetworks
{
    /// <summary>
    /// The network in <paramref name="path"/>, an ONNX model mapping NCHW RGB images to one feature
    /// vector each (Inception-v3's 2048-d pool features for standard FID), run on <paramref name="backend"/>.
    /// </summary>
    public static IFeatureNetwork Open(string path, IBackend backend)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(backend);
        if (Directory.Exists(path)) throw DataException.ForPath(path, "is a directory; --features takes an ONNX model file");
        if (!File.Exists(path)) throw DataException.ForPath(path, "no such feature network file (--features takes an ONNX model file)");
        return Onnx.OnnxFeatureNetwork.Load(path, backend);
    }
}
