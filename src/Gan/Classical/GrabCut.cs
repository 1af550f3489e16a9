using KernelGan.Gan.Data;

namespace KernelGan.Gan.Classical;

/// <summary>
/// GrabCut (Rother, Kolmogorov and Blake 2004): foreground and background colour GMMs (5
/// components, full covariance) and a graph cut (data term -log p(colour), contrast-sensitive
/// Potts smoothness on 8 neighbours, gamma = 50) alternate for a few rounds. Two ways in, one
/// mechanism: from a box (everything outside it is background for certain: the box-level
/// baseline, no learning), and from a soft mask (<see cref="Refine"/>: a learned segmenter's
/// probabilities start the colour models and stay in the data term as a prior, so the cut moves
/// the mask's edges onto the image's edges without forgetting what the segmenter saw).
/// </summary>
public static class GrabCut
{
    public sealed record Options(int Iterations = 4, int Components = 5, double Gamma = 50);

    /// <param name="PriorWeight">Weight of the segmenter's -log q (foreground) and -log(1 - q) (background) in the data term, beside the colour models' -log p.
    /// 3: on devset/centric/test from a 0.697 U-Net (32 px, scored at 64), weights 1, 2, 3, 5, 10, 30 gave IoU 0.817, 0.871, 0.879, 0.863, 0.824, 0.763;
    /// at 1 the colour models (whose log-densities differ by tens of nats) overrule the segmenter where a photo shares the object's colours.</param>
    /// <param name="Floor">q is clamped into [Floor, 1 - Floor]: no pixel is decided by the prior alone.</param>
    /// <param name="MinAgreement">A cut whose IoU with the segmenter's own mask (q > 0.5) falls below this is dropped for that mask:
    /// refinement moves edges, it does not decide whether the object is there. (Where colours cannot tell, e.g. a flat image, the
    /// smoothness term alone would shrink the mask to nothing.) On devset/centric/test from the 0.697 U-Net, 0, 0.3, 0.5, 0.7 gave
    /// IoU 0.879, 0.878, 0.855, 0.788: a weak segmenter's masks move a lot, so the net only catches wholesale losses.</param>
    /// <param name="StartFromBox">Where a box is given, the first labelling is the whole box (as <see cref="Segment"/> starts) rather
    /// than the segmenter's mask; the segmenter's probabilities still weigh in every round's data term.</param>
    public sealed record RefineOptions(int Iterations = 3, int Components = 5, double Gamma = 50, double PriorWeight = 3, double Floor = 0.02, double MinAgreement = 0.3,
                                       bool StartFromBox = false);

    /// <summary>Foreground mask (0/1) of <paramref name="image"/> (RGB in [0, 1]) given the box [x0, x1) x [y0, y1).</summary>
    public static HostImage Segment(HostImage image, int x0, int y0, int x1, int y1, Options? options = null)
    {
        var o = options ?? new Options();
        int w = image.Width, h = image.Height, n = w * h;
        x0 = Math.Clamp(x0, 0, w); x1 = Math.Clamp(x1, 0, w); y0 = Math.Clamp(y0, 0, h); y1 = Math.Clamp(y1, 0, h);
        var inBox = new bool[n];
        for (int y = y0; y < y1; y++) for (int x = x0; x < x1; x++) inBox[y * w + x] = true;
        var fg = Alternate(image, (bool[])inBox.Clone(), canBeForeground: inBox, prior: null, o.Iterations, o.Components, o.Gamma);
        return Mask(fg, w, h);
    }

    /// <summary>
    /// The mask-seeded form: <paramref name="probability"/> (1 channel, the image's size, the
    /// segmenter's foreground probability q) gives the first labelling (q > 0.5) and, weighted by
    /// <see cref="RefineOptions.PriorWeight"/>, a term in every round's data cost. Returns 0/1.
    /// </summary>
    /// <param name="box">Where a box is known ([x0, x1) x [y0, y1) in the image), outside it is background for certain, as in <see cref="Segment"/>.</param>
    public static HostImage Refine(HostImage image, HostImage probability, RefineOptions? options = null, (int X0, int Y0, int X1, int Y1)? box = null)
    {
        var o = options ?? new RefineOptions();
        int w = image.Width, h = image.Height, n = w * h;
        if (probability.Width != w || probability.Height != h || probability.Channels != 1)
            throw new ArgumentException($"probability is {probability.Channels}x{probability.Height}x{probability.Width}, expected 1x{h}x{w}", nameof(probability));
        var fg = new bool[n];
        var prior = new (double Fg, double Bg)[n];
        for (int p = 0; p < n; p++)
        {
            double q = Math.Clamp(probability.Data[p], o.Floor, 1 - o.Floor);
            fg[p] = q > 0.5;
            prior[p] = (-o.PriorWeight * Math.Log(q), -o.PriorWeight * Math.Log(1 - q));
        }
        var canBeForeground = new bool[n];
        if (box is not { } b) Array.Fill(canBeForeground, true);
        else
            for (int y = Math.Max(0, b.Y0); y < Math.Min(h, b.Y1); y++)
                for (int x = Math.Max(0, b.X0); x < Math.Min(w, b.X1); x++) canBeForeground[y * w + x] = true;
        for (int p = 0; p < n; p++) fg[p] &= canBeForeground[p];
        var start = box is not null && o.StartFromBox ? (bool[])canBeForeground.Clone() : (bool[])fg.Clone();
        var cut = Alternate(image, start, canBeForeground, prior, o.Iterations, o.Components, o.Gamma);
        return Mask(Agreement(cut, fg) >= o.MinAgreement ? cut : fg, w, h);
    }

    /// <summary>
    /// GrabCut's loop from the labelling <paramref name="fg"/>: fit both colour models to the current
    /// labelling, cut, repeat. Pixels outside <paramref name="canBeForeground"/> are background for
    /// certain; <paramref name="prior"/> (per pixel, the cost of each label) joins the data term.
    /// </summary>
    private static bool[] Alternate(HostImage image, bool[] fg, bool[] canBeForeground, (double Fg, double Bg)[]? prior, int iterations, int components, double gamma)
    {
        int w = image.Width, h = image.Height, n = w * h;
        if (!fg.Any(v => v) || fg.All(v => v)) return fg; // one side is empty: no colour model to fit for it
        var colour = new float[n][];
        for (int p = 0; p < n; p++) colour[p] = [image.Data[p], image.Data[n + p], image.Data[2 * n + p]];
        var smoothness = Smoothness(colour, w, h, gamma);
        ColourMixture? fgModel = null, bgModel = null;
        for (int it = 0; it < iterations; it++)
        {
            var fgPixels = Enumerable.Range(0, n).Where(p => fg[p]).Select(p => colour[p]).ToList();
            var bgPixels = Enumerable.Range(0, n).Where(p => !fg[p]).Select(p => colour[p]).ToList();
            if (fgPixels.Count == 0 || bgPixels.Count == 0) break;
            // First round: k-means; later rounds: each pixel's most likely component of its side's current model.
            var fgLabels = fgModel is null ? ColourMixture.KMeans(fgPixels, components) : fgPixels.Select(z => fgModel.MostLikelyComponent(z)).ToArray();
            var bgLabels = bgModel is null ? ColourMixture.KMeans(bgPixels, components) : bgPixels.Select(z => bgModel.MostLikelyComponent(z)).ToArray();
            fgModel = ColourMixture.Fit(fgPixels, fgLabels, components);
            bgModel = ColourMixture.Fit(bgPixels, bgLabels, components);
            fg = Cut(colour, canBeForeground, prior, fgModel, bgModel, smoothness, w, h);
        }
        return fg;
    }

    /// <summary>IoU of two labellings; two empty ones agree fully.</summary>
    private static double Agreement(bool[] a, bool[] b)
    {
        int both = 0, either = 0;
        for (int p = 0; p < a.Length; p++) { if (a[p] && b[p]) both++; if (a[p] || b[p]) either++; }
        return either == 0 ? 1 : (double)both / either;
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

    /// <summary>The minimum cut: source = foreground. Pixels that cannot be foreground are tied to the sink (background).</summary>
    private static bool[] Cut(float[][] colour, bool[] canBeForeground, (double Fg, double Bg)[]? prior, ColourMixture fg, ColourMixture bg, double[,] smoothness, int w, int h)
    {
        int n = w * h, source = n, sink = n + 1;
        var graph = new MaxFlow(n + 2);
        const double Hard = 1e9;
        for (int p = 0; p < n; p++)
        {
            if (!canBeForeground[p]) { graph.AddEdge(p, sink, Hard); continue; }
            // Labelling p foreground cuts p->sink and costs -log p_fg; background cuts source->p.
            var (priorFg, priorBg) = prior is null ? (0.0, 0.0) : prior[p];
            graph.AddEdge(source, p, bg.NegativeLogLikelihood(colour[p]) + priorBg);
            graph.AddEdge(p, sink, fg.NegativeLogLikelihood(colour[p]) + priorFg);
        }
        foreach (var (p, q, k, _) in Edges(w, h))
            graph.AddEdge(p, q, smoothness[p, k], smoothness[p, k]);
        graph.Run(source, sink);
        var side = graph.SourceSide(source);
        var result = new bool[n];
        for (int p = 0; p < n; p++) result[p] = side[p] && canBeForeground[p];
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
