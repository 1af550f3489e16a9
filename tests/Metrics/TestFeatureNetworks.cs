using KernelGan.Gan.Metrics;

namespace KernelGan.Tests.Metrics;

/// <summary>
/// A small stand-in for Inception: average-pools the [0, 1] image to 4x4 per channel and projects
/// those 48 values with a fixed random matrix (seeded), then a ReLU, as Inception's pool features
/// are non-negative. Records every batch it was given, so tests can see what reached it.
/// </summary>
internal sealed class ProjectionFeatureNetwork : IFeatureNetwork
{
    private const int Pooled = 4;
    private readonly float[] _weights;

    public ProjectionFeatureNetwork(int inputSize = 16, int featureCount = 12, int seed = 9)
    {
        InputSize = inputSize;
        FeatureCount = featureCount;
        var random = new Random(seed);
        _weights = new float[featureCount * 3 * Pooled * Pooled];
        for (int i = 0; i < _weights.Length; i++) _weights[i] = (float)GaussianSamples.StandardNormal(random);
    }

    public int InputSize { get; }
    public int FeatureCount { get; }
    public List<float[]> Batches { get; } = [];
    public bool Disposed { get; private set; }

    public float[] Features(ReadOnlySpan<float> images, int n)
    {
        int s = InputSize, plane = 3 * s * s, cell = s / Pooled;
        if (images.Length != n * plane) throw new ArgumentException($"expected {n} x 3 x {s} x {s} values, got {images.Length}");
        Batches.Add(images.ToArray());
        var pooled = new float[3 * Pooled * Pooled];
        var result = new float[n * FeatureCount];
        for (int i = 0; i < n; i++)
        {
            Array.Clear(pooled);
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < s; y++)
                    for (int x = 0; x < s; x++)
                        pooled[(c * Pooled + y / cell) * Pooled + x / cell] += images[i * plane + (c * s + y) * s + x] / (cell * cell);
            for (int f = 0; f < FeatureCount; f++)
            {
                float v = 0;
                for (int k = 0; k < pooled.Length; k++) v += _weights[f * pooled.Length + k] * pooled[k];
                result[i * FeatureCount + f] = Math.Max(0, v);
            }
        }
        return result;
    }

    public void Dispose() => Disposed = true;
}
