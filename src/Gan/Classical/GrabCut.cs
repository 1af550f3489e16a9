using KernelGan.Gan.Data;

namespace KernelGan.Gan.Classical;

/// <summary>
/// GrabCut (Rother, Kolmogorov and Blake 2004) from a box: everything outside the box is
/// background for certain; inside, foreground and background colour GMMs (5 components, full
/// covariance) and a graph cut (data term -log p(colour), contrast-sensitive Potts smoothness on
/// 8 neighbours, gamma = 50) alternate for a few rounds. The box-level baseline that uses the
/// same information as box-level training (the box), and no learning.
/// </summary>
public static class GrabCut
{
    public sealed record Options(int Iterations = 4, int Components = 5, double Gamma = 50);

    /// <summary>Foreground mask (0/1) of <paramref name="image"/> (RGB in [0, 1]) given the box [x0, x1) x [y0, y1).</summary>
    public static HostImage Segment(HostImage image, int x0, int y0, int x1, int y1, Options? options = null)
    {
        var o = options ?? new Options();
        int w = image.Width, h = image.Height, n = w * h;
        x0 = Math.Clamp(x0, 0, w); x1 = Math.Clamp(x1, 0, w); y0 = Math.Clamp(y0, 0, h); y1 = Math.Clamp(y1, 0, h);
        var colour = new float[n][];
        for (int p = 0; p < n; p++) colour[p] = [image.Data[p], image.Data[n + p], image.Data[2 * n + p]];
        var inBox = new bool[n];
        for (int y = y0; y < y1; y++) for (int x = x0; x < x1; x++) inBox[y * w + x] = true;
        var fg = (bool[])inBox.Clone();
        if (!fg.Any(v => v) || fg.All(v => v)) return Mask(fg, w, h); // nothing to separate: the box is all there is

        var smoothness = Smoothness(colour, w, h, o.Gamma);
        ColourMixture? fgModel = null, bgModel = null;
        for (int it = 0; it < o.Iterations; it++)
        {
            var fgPixels = Enumerable.Range(0, n).Where(p => fg[p]).Select(p => colour[p]).ToList();
            var bgPixels = Enumerable.Range(0, n).Where(p => !fg[p]).Select(p => colour[p]).ToList();
            if (fgPixels.Count == 0 || bgPixels.Count == 0) break;
            // First round: k-means; later rounds: each pixel's most likely component of its side's current model.
            var fgLabels = fgModel is null ? ColourMixture.KMeans(fgPixels, o.Components) : fgPixels.Select(z => fgModel.MostLikelyComponent(z)).ToArray();
            var bgLabels = bgModel is null ? ColourMixture.KMeans(bgPixels, o.Components) : bgPixels.Select(z => bgModel.MostLikelyComponent(z)).ToArray();
            fgModel = ColourMixture.Fit(fgPixels, fgLabels, o.Components);
            bgModel = ColourMixture.Fit(bgPixels, bgLabels, o.Components);
            fg = Cut(colour, inBox, fgModel, bgModel, smoothness, w, h);
        }
        return Mask(fg, w, h);
    }

    private static readonly (int Dx, int Dy)[] HalfNeighbourhood = [(1, 0), (0, 1), (1, 1), (-1, 1)];

    /// <summary>
    /// Edge weights gamma * exp(-beta |z_p - z_q|^2) / distance for each pixel's 4 forward
    /// neighbours (the other 4 are their backward edges), beta = 1 / (2 mean |z_p - z_q|^2).
    /// </summary>
    private static double[,] Smoothness(float[][] colour, int w, int h, double gamma)
    {
        var edges = Edges(w, h).ToList();
        double total = 0;
        foreach (var e in edges) total += Distance2(colour[e.P], colour[e.Q]);
        double beta = 1.0 / (2 * Math.Max(1e-12, total / Math.Max(1, edges.Count)));
        var weights = new double[w * h, HalfNeighbourhood.Length];
        foreach (var (p, q, k, diagonal) in edges)
            weights[p, k] = gamma * Math.Exp(-beta * Distance2(colour[p], colour[q])) / (diagonal ? Math.Sqrt(2) : 1);
        return weights;
    }

    /// <summary>Every neighbour pair once: pixel p, its forward neighbour q inside the image, which of the four it is.</summary>
    private static IEnumerable<(int P, int Q, int K, bool Diagonal)> Edges(int w, int h)
    {
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int k = 0; k < HalfNeighbourhood.Length; k++)
                {
                    var (dx, dy) = HalfNeighbourhood[k];
                    int xx = x + dx, yy = y + dy;
                    if (xx < 0 || xx >= w || yy >= h) continue;
                    yield return (y * w + x, yy * w + xx, k, dx != 0 && dy != 0);
                }
    }

    /// <summary>The minimum cut: source = foreground. Pixels outside the box are tied to the sink (background).</summary>
    private static bool[] Cut(float[][] colour, bool[] inBox, ColourMixture fg, ColourMixture bg, double[,] smoothness, int w, int h)
    {
        int n = w * h, source = n, sink = n + 1;
        var graph = new MaxFlow(n + 2);
        const double Hard = 1e9;
        for (int p = 0; p < n; p++)
        {
            if (!inBox[p]) { graph.AddEdge(p, sink, Hard); continue; }
            // Labelling p foreground cuts p->sink and costs -log p_fg; background cuts source->p.
            graph.AddEdge(source, p, bg.NegativeLogLikelihood(colour[p]));
            graph.AddEdge(p, sink, fg.NegativeLogLikelihood(colour[p]));
        }
        foreach (var (p, q, k, _) in Edges(w, h))
            graph.AddEdge(p, q, smoothness[p, k], smoothness[p, k]);
        graph.Run(source, sink);
        var side = graph.SourceSide(source);
        var result = new bool[n];
        for (int p = 0; p < n; p++) result[p] = side[p] && inBox[p];
        return result;
    }

    private static double Distance2(float[] a, float[] b)
    {
        double d0 = a[0] - b[0], d1 = a[1] - b[1], d2 = a[2] - b[2];
        return d0 * d0 + d1 * d1 + d2 * d2;
    }

    private static HostImage Mask(bool[] fg, int w, int h)
    {
        var mask = new HostImage(1, h, w);
        for (int p = 0; p < fg.Length; p++) mask.Data[p] = fg[p] ? 1f : 0f;
        return mask;
    }
}
