namespace KernelGan.Gan.Data;

/// <summary>
/// Trivial fixed-mask baselines: the same ellipse predicted for every image. Object-centric data
/// is biased towards centred objects, so a learned segmenter should be reported next to these
/// numbers to show it does better than "guess a blob in the middle".
/// </summary>
public static class Baselines
{
    /// <summary>
    /// The centred ellipse: centred in the image, axis-aligned, with the set's mean foreground
    /// area and the set's aspect ratio (the ratio of vertical to horizontal spread of the mean mask
    /// around the image centre).
    /// </summary>
    public static HostImage CentredEllipse(IReadOnlyList<HostImage> masks)
    {
        var mean = DatasetStats.MeanMask(masks);
        int h = mean.Height, w = mean.Width;
        double cx = w / 2.0, cy = h / 2.0;
        var (sxx, syy, _, total) = Moments(mean, cx, cy);
        double area = total; // sum of frequencies = mean foreground area in pixels
        if (area <= 0) return new HostImage(1, h, w);
        double ratio = sxx > 0 && syy > 0 ? Math.Sqrt(syy / sxx) : 1.0;
        double rx = Math.Sqrt(area / (Math.PI * ratio)), ry = rx * ratio;
        return Ellipse(h, w, cx, cy, rx, ry, 0);
    }

    /// <summary>
    /// The best fixed ellipse (our stronger baseline): centred on the mean mask's centroid, oriented
    /// and shaped by its covariance, and sized by trying area factors 0.5..1.5 x the mean area and
    /// keeping the one with the highest mean IoU on the given masks. Being tuned on those masks,
    /// it is an optimistic (upper-bound-like) baseline.
    /// </summary>
    public static HostImage BestFixedEllipse(IReadOnlyList<HostImage> masks)
    {
        var mean = DatasetStats.MeanMask(masks);
        int h = mean.Height, w = mean.Width;
        var (mx, my, area) = Centroid(mean);
        if (area <= 0) return new HostImage(1, h, w);
        var (sxx, syy, sxy, total) = Moments(mean, mx, my);
        sxx /= total;
        syy /= total;
        sxy /= total;
        // Principal axes of the 2x2 covariance.
        double trace = sxx + syy, det = sxx * syy - sxy * sxy;
        double root = Math.Sqrt(Math.Max(trace * trace / 4 - det, 0));
        double major = trace / 2 + root, minor = Math.Max(trace / 2 - root, 1e-9);
        double angle = 0.5 * Math.Atan2(2 * sxy, sxx - syy);
        double ratio = Math.Sqrt(minor / major);

        HostImage? best = null;
        double bestIou = double.NegativeInfinity;
        for (double factor = 0.5; factor <= 1.5001; factor += 0.05)
        {
            double a = area * factor;
            double rMajor = Math.Sqrt(a / (Math.PI * ratio)), rMinor = rMajor * ratio;
            var candidate = Ellipse(h, w, mx, my, rMajor, rMinor, angle);
            double iou = Evaluate(candidate, masks).MeanIou;
            if (iou > bestIou)
            {
                bestIou = iou;
                best = candidate;
            }
        }
        return best!;
    }

    /// <summary>Scores one fixed prediction against every mask of the set.</summary>
    public static MaskScore Evaluate(HostImage prediction, IReadOnlyList<HostImage> masks)
    {
        var accumulator = new MaskScoreAccumulator();
        foreach (var mask in masks) accumulator.Add(prediction, mask);
        return accumulator.Score;
    }

    /// <summary>
    /// Binary ellipse mask: pixel centres inside the ellipse with centre (cx, cy) (pixel units, the
    /// image spanning [0, w] x [0, h]), radii rx, ry and rotation <paramref name="angle"/> (radians).
    /// </summary>
    public static HostImage Ellipse(int height, int width, double cx, double cy, double rx, double ry, double angle)
    {
        var mask = new HostImage(1, height, width);
        if (!(rx > 0) || !(ry > 0)) return mask;
        double cos = Math.Cos(angle), sin = Math.Sin(angle);
        for (int y = 0; y < height; y++)
        {
            double dy = y + 0.5 - cy;
            for (int x = 0; x < width; x++)
            {
                double dx = x + 0.5 - cx;
                double u = (dx * cos + dy * sin) / rx, v = (-dx * sin + dy * cos) / ry;
                if (u * u + v * v <= 1) mask.Data[y * width + x] = 1f;
            }
        }
        return mask;
    }

    private static (double X, double Y, double Total) Centroid(HostImage weights)
    {
        double sx = 0, sy = 0, total = 0;
        for (int y = 0; y < weights.Height; y++)
        {
            for (int x = 0; x < weights.Width; x++)
            {
                double p = weights.Data[y * weights.Width + x];
                sx += p * (x + 0.5);
                sy += p * (y + 0.5);
                total += p;
            }
        }
        return total > 0 ? (sx / total, sy / total, total) : (weights.Width / 2.0, weights.Height / 2.0, 0);
    }

    /// <summary>Unnormalised second moments of a weight map about (cx, cy), and the total weight.</summary>
    private static (double Sxx, double Syy, double Sxy, double Total) Moments(HostImage weights, double cx, double cy)
    {
        double sxx = 0, syy = 0, sxy = 0, total = 0;
        for (int y = 0; y < weights.Height; y++)
        {
            double dy = y + 0.5 - cy;
            for (int x = 0; x < weights.Width; x++)
            {
                double p = weights.Data[y * weights.Width + x], dx = x + 0.5 - cx;
                sxx += p * dx * dx;
                syy += p * dy * dy;
                sxy += p * dx * dy;
                total += p;
            }
        }
        return (sxx, syy, sxy, total);
    }
}
