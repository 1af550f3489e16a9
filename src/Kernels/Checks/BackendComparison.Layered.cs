namespace KernelGan.Kernels.Checks;

/// <summary>Alpha compositing, the CLUB row-L1 statistic, row gathers and scatter-adds.</summary>
public sealed partial class BackendComparison
{
    private void CheckLayered()
    {
        int n = Tiny ? 2 : 32, c = 3, hw = Tiny ? 10 : 64 * 64;
        var m = Uniform("mask", n * hw, 0f, 1f);
        var fg = Uniform("fg", n * c * hw);
        var bg = Uniform("bg", n * c * hw);
        var gy = Uniform("composite-gy", n * c * hw);
        Compare("Composite", $"[{n},{c},{hw}]", 1e-6, s =>
        {
            var y = s.Out(fg.Length);
            s.B.Composite(s.Up(m), s.Up(fg), s.Up(bg), y, n, c, hw);
            return [s.Down(y)];
        });
        foreach (var (wm, wf, wb) in new[] { (true, true, true), (true, false, false), (false, true, true) })
            Compare("CompositeBackward", $"[{n},{c},{hw}] gm={wm} gfg={wf} gbg={wb}", 1e-6, s =>
            {
                var gm = wm ? s.Out(m.Length) : null;
                var gf = wf ? s.Out(fg.Length) : null;
                var gb = wb ? s.Out(bg.Length) : null;
                s.B.CompositeBackward(s.Up(m), s.Up(fg), s.Up(bg), s.Up(gy), gm, gf, gb, n, c, hw);
                return new[] { gm, gf, gb }.Where(b => b is not null).Select(b => s.Down(b!)).ToArray();
            });

        int rows = Tiny ? 4 : 32, d = Tiny ? 37 : 3 * 64 * 64;
        var x = Uniform("club-x", rows * d);
        var y = Uniform("club-y", rows * d);
        var gOut = Uniform("club-g", rows);
        int[] perm = Enumerable.Range(0, rows).Select(i => (i * 3 + 2) % rows).ToArray(); // a permutation for these sizes
        foreach (bool permuted in new[] { false, true })
        {
            string name = $"[{rows},{d}] perm={(permuted ? "shuffled" : "identity")}";
            foreach (var variant in SliceVariants())
                Compare("RowL1Distance", $"{name} {variant}", 1e-5, s =>
                {
                    var output = s.Out(rows);
                    s.B.RowL1Distance(s.Up(x), s.Up(y), permuted ? s.Indices(perm) : null, output, rows, d);
                    return [s.Down(output)];
                });
            foreach (var (wantX, wantY) in new[] { (true, true), (true, false), (false, true) })
                Compare("RowL1DistanceBackward", $"{name} gx={wantX} gy={wantY}", 1e-6, s =>
                {
                    var gx = wantX ? s.Out(x.Length) : null;
                    var gyb = wantY ? s.Out(y.Length) : null;
                    s.B.RowL1DistanceBackward(s.Up(x), s.Up(y), permuted ? s.Indices(perm) : null, s.Up(gOut), gx, gyb, rows, d);
                    return new[] { gx, gyb }.Where(b => b is not null).Select(b => s.Down(b!)).ToArray();
                });
        }

        int sourceRows = Tiny ? 5 : 256, rowLength = Tiny ? 7 : 1024;
        int[] index = Tiny ? [4, 0, 4, 2, 1, 1] : Enumerable.Range(0, 512).Select(i => i * 7 % (sourceRows - 1)).ToArray();
        var table = Uniform("gather-x", sourceRows * rowLength);
        var rowGrads = Uniform("scatter-gy", index.Length * rowLength);
        Compare("UploadIndices", $"{index.Length} indices, used by a gather", 0, s =>
        {
            var idx = s.Indices(index);
            var output = s.Out(index.Length * rowLength);
            s.B.GatherRows(s.Up(table), idx, output, index.Length, rowLength);
            return [s.Down(output)];
        });
        Compare("GatherRows", $"{index.Length} rows of {rowLength} from {sourceRows}, repeated indices", 0, s =>
        {
            var output = s.Out(index.Length * rowLength);
            s.B.GatherRows(s.Up(table), s.Indices(index), output, index.Length, rowLength);
            return [s.Down(output)];
        });
        Compare("ScatterAddRows", $"{index.Length} rows into {sourceRows}, repeated and unused rows", 1e-6, s =>
        {
            var gx = s.Out(sourceRows * rowLength);
            s.B.ScatterAddRows(s.Up(rowGrads), s.Indices(index), gx, index.Length, sourceRows, rowLength);
            return [s.Down(gx)];
        });
    }

    private void CheckOptimizerAndRandom()
    {
        int n = Tiny ? 37 : (1 << 20) + 1;
        var param = Uniform("adam-p", n);
        var grad = Uniform("adam-g", n);
        var m = Uniform("adam-m", n, -0.1f, 0.1f);
        var v = Uniform("adam-v", n, 0f, 0.01f);
        // Step t = 3 of lr 2e-4, betas (0.5, 0.999): the folded bias corrections.
        double c1 = 1 - Math.Pow(0.5, 3), c2 = 1 - Math.Pow(0.999, 3);
        float stepSize = (float)(2e-4 * Math.Sqrt(c2) / c1), epsHat = (float)(1e-8 * Math.Sqrt(c2));
        foreach (var (decay, decoupled) in new[] { (0.01f, false), (0.1f, true) })
            Compare("AdamStep", $"n={n} weightDecay={decay} decoupled={decoupled}", 1e-5, s =>
            {
                var bp = s.Up(param);
                var bm = s.Up(m);
                var bv = s.Up(v);
                s.B.AdamStep(bp, s.Up(grad), bm, bv, n, stepSize, 0.5f, 0.999f, epsHat, decay, 2e-4f, decoupled);
                return [s.Down(bp), s.Down(bm), s.Down(bv)];
            });

        CheckSegmentUpdates(stepSize, epsHat);

        int count = Tiny ? 37 : (1 << 20) + 1;
        // Uniform numbers must be bit-identical on every backend (tolerance 0).
        Compare("FillUniform", $"n={count} seed=42 offset=5 [-2, 3)", 0, s =>
        {
            var b = s.Out(count);
            s.B.FillUniform(b, count, 42, 5, -2f, 3f);
            return [s.Down(b)];
        });
        Compare("FillUniform", $"n={count} seed=2^40+3 offset=2^33 [0, 1)", 0, s =>
        {
            var b = s.Out(count);
            s.B.FillUniform(b, count, (1UL << 40) + 3, 1UL << 33, 0f, 1f);
            return [s.Down(b)];
        });
        Compare("FillNormal", $"n={count + 1} seed=7 offset=11 mean=0.5 std=2", 1e-5, s =>
        {
            var b = s.Out(count + 1);
            s.B.FillNormal(b, count + 1, 7, 11, 0.5f, 2f);
            return [s.Down(b)];
        });
    }

    /// <summary>
    /// The multi-tensor updates over an arena of three segments (aligned starts, padding between):
    /// each segment as the per-tensor kernel computes it. Only the segments are compared, since a
    /// backend may run the math over the padding too.
    /// </summary>
    private void CheckSegmentUpdates(float stepSize, float epsHat)
    {
        BufferSegment[] segments = Tiny ? [new(0, 21), new(32, 5), new(48, 40)] : [new(0, (1 << 18) + 3), new(1 << 19, 1000), new((1 << 19) + 1008, 1 << 18)];
        int length = segments[^1].End + 7;
        var param = Uniform("seg-p", length);
        var grad = Uniform("seg-g", length);
        var m = Uniform("seg-m", length, -0.1f, 0.1f);
        var v = Uniform("seg-v", length, 0f, 0.01f);
        float[] Inside(float[] all) => [.. segments.SelectMany(g => all.Skip(g.Offset).Take(g.Length))];
        Compare("AdamStepSegments", $"{segments.Length} segments in {length} floats", 1e-5, s =>
        {
            var bp = s.Up(param);
            var bm = s.Up(m);
            var bv = s.Up(v);
            s.B.AdamStepSegments(bp, s.Up(grad), bm, bv, segments, stepSize, 0.5f, 0.999f, epsHat, 0.01f, 2e-4f, false);
            return [Inside(s.Down(bp)), Inside(s.Down(bm)), Inside(s.Down(bv))];
        });
        Compare("AxpbySegments", $"alpha=0.25 beta=0.75, {segments.Length} segments", 1e-6, s =>
        {
            var by = s.Up(m);
            s.B.AxpbySegments(0.25f, s.Up(param), 0.75f, by, segments);
            return [Inside(s.Down(by))];
        });
    }
}
