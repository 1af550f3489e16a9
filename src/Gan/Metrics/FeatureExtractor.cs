using KernelGan.Gan.Data;

namespace KernelGan.Gan.Metrics;

/// <summary>The features of a set of images and their float64 moments, accumulated batch by batch as the features came.</summary>
public sealed record ExtractedFeatures(FeatureMatrix Features, GaussianStatistics Statistics);

/// <summary>
/// Runs images through a feature network: each is resized to the network's input size with the
/// antialiased bilinear filter (<see cref="ImageOps.Resize(HostImage,int)"/>; generated and real
/// images take the same path, so the filter cannot favour one side), packed into NCHW batches, and
/// its features kept and added to the streaming moments.
/// </summary>
public sealed class FeatureExtractor(IFeatureNetwork network, int batch = 32)
{
    /// <summary>
    /// Features of the first <paramref name="count"/> images (RGB, values in [0, 1], any square
    /// size). <paramref name="imagesDone"/> hears the running count after each batch.
    /// </summary>
    public ExtractedFeatures Extract(IEnumerable<HostImage> images, int count, IProgress<int>? imagesDone = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        int size = network.InputSize, d = network.FeatureCount, plane = 3 * size * size;
        var features = new float[(long)count * d];
        var moments = new FeatureMoments(d);
        var pixels = new float[(long)Math.Min(batch, count) * plane];
        int done = 0, filled = 0;
        foreach (var image in images)
        {
            if (done + filled == count) break;
            if (image.Channels != 3) throw new ArgumentException($"image {done + filled} has {image.Channels} channels, expected RGB");
            var resized = image.Height == size && image.Width == size ? image : ImageOps.Resize(image, size);
            resized.Data.CopyTo(pixels.AsSpan(filled * plane, plane));
            if (++filled == pixels.Length / plane || done + filled == count)
            {
                Run(pixels, filled, features.AsSpan(done * d, filled * d), moments);
                done += filled;
                filled = 0;
                imagesDone?.Report(done);
            }
        }
        if (done < count) throw new ArgumentException($"the image source ended after {done + filled} of {count} images", nameof(images));
        return new ExtractedFeatures(new FeatureMatrix(features, count, d), moments.Statistics());
    }

    private void Run(float[] pixels, int n, Span<float> output, FeatureMoments moments)
    {
        var result = network.Features(pixels.AsSpan(0, n * 3 * network.InputSize * network.InputSize), n);
        if (result.Length != n * network.FeatureCount)
            throw new DataException($"the feature network returned {result.Length} values for {n} images of {network.FeatureCount} features");
        foreach (float v in result)
            if (!float.IsFinite(v)) throw new DataException("the feature network returned a non-finite feature (NaN or infinity); check the network and its expected input range");
        result.CopyTo(output);
        moments.Add(result, n);
    }
}
