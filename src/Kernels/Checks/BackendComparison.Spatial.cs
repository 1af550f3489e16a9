namespace KernelGan.Kernels.Checks;

/// <summary>Translation, nearest/bilinear resize, average pooling, affine grids and grid sampling.</summary>
public sealed partial class BackendComparison
{
    private void CheckResampling()
    {
        int n = Tiny ? 3 : 32, c = Tiny ? 2 : 4, h = Tiny ? 5 : 64, w = Tiny ? 6 : 64;
        var x = Uniform("translate-x", n * c * h * w);
        int[] dx = Tiny ? [1, -2, 7] : Enumerable.Range(0, n).Select(i => (i * 7 % 17) - 8).ToArray();
        int[] dy = Tiny ? [0, 3, -1] : Enumerable.Range(0, n).Select(i => (i * 5 % 17) - 8).ToArray();
        Compare("Translate", $"[{n},{c},{h},{w}] shifts incl. beyond the image", 0, s =>
        {
            var y = s.Out(x.Length);
            s.B.Translate(s.Up(x), y, n, c, h, w, s.Indices(dx), s.Indices(dy));
            return [s.Down(y)];
        });

        foreach (int factor in new[] { 2, 3 })
        {
            var small = Uniform($"nearest-{factor}", n * c * h * w);
            var gy = Uniform($"nearest-gy-{factor}", n * c * h * w * factor * factor);
            Compare("UpsampleNearest", $"x{factor}", 0, s =>
            {
                var y = s.Out(gy.Length);
                s.B.UpsampleNearest(s.Up(small), y, n, c, h, w, factor);
                return [s.Down(y)];
            });
            Compare("UpsampleNearestBackward", $"x{factor}", 1e-6, s =>
            {
                var gx = s.Out(small.Length);
                s.B.UpsampleNearestBackward(s.Up(gy), gx, n, c, h, w, factor);
                return [s.Down(gx)];
            });
        }

        (int H, int W, int OutH, int OutW)[] resizes = Tiny
            ? [(4, 5, 7, 9), (6, 6, 3, 4), (1, 3, 2, 5)]
            : [(32, 32, 64, 64), (64, 64, 37, 45)];
        foreach (var (ih, iw, oh, ow) in resizes)
        foreach (bool align in new[] { false, true })
        {
            string name = $"{ih}x{iw}->{oh}x{ow} alignCorners={align}";
            var src = Uniform($"bilinear-{name}", n * c * ih * iw);
            var gy = Uniform($"bilinear-gy-{name}", n * c * oh * ow);
            Compare("UpsampleBilinear", name, 1e-6, s =>
            {
                var y = s.Out(gy.Length);
                s.B.UpsampleBilinear(s.Up(src), y, n, c, ih, iw, oh, ow, align);
                return [s.Down(y)];
            });
            Compare("UpsampleBilinearBackward", name, 1e-5, s =>
            {
                var gx = s.Out(src.Length);
                s.B.UpsampleBilinearBackward(s.Up(gy), gx, n, c, ih, iw, oh, ow, align);
                return [s.Down(gx)];
            });
        }

        (int H, int W, int K, int S)[] pools = Tiny ? [(6, 6, 2, 2), (7, 5, 3, 1), (7, 7, 3, 2)] : [(64, 64, 2, 2), (33, 33, 3, 2)];
        foreach (var (ph, pw, k, stride) in pools)
        {
            string name = $"{ph}x{pw} k={k} s={stride}";
            int oh = (ph - k) / stride + 1, ow = (pw - k) / stride + 1;
            var src = Uniform($"pool-{name}", n * c * ph * pw);
            var gy = Uniform($"pool-gy-{name}", n * c * oh * ow);
            Compare("AvgPool2d", name, 1e-6, s =>
            {
                var y = s.Out(gy.Length);
                s.B.AvgPool2d(s.Up(src), y, n, c, ph, pw, k, stride);
                return [s.Down(y)];
            });
            Compare("AvgPool2dBackward", name, 1e-6, s =>
            {
                var gx = s.Out(src.Length);
                s.B.AvgPool2dBackward(s.Up(gy), gx, n, c, ph, pw, k, stride);
                return [s.Down(gx)];
            });
        }
    }

    private void CheckSpatialTransformer()
    {
        int n = Tiny ? 3 : 32;
        var theta = Uniform("theta", n * 6, -0.3f, 0.3f);
        for (int i = 0; i < n; i++)
        {
            theta[i * 6] += 0.9f;
            theta[i * 6 + 4] += 1.1f;
        }
        (int H, int W)[] grids = Tiny ? [(5, 7), (1, 4)] : [(64, 64)];
        foreach (var (h, w) in grids)
        foreach (bool align in new[] { false, true })
        {
            string name = $"{h}x{w} alignCorners={align}";
            var ggrid = Uniform($"ggrid-{name}", n * h * w * 2);
            Compare("AffineGrid", name, 1e-6, s =>
            {
                var grid = s.Out(n * h * w * 2);
                s.B.AffineGrid(s.Up(theta), grid, n, h, w, align);
                return [s.Down(grid)];
            });
            Compare("AffineGridBackward", name, GemmTolerance((long)h * w), s =>
            {
                var gt = s.Out(n * 6);
                s.B.AffineGridBackward(s.Up(ggrid), gt, n, h, w, align);
                return [s.Down(gt)];
            });
        }

        int c = 3, hin = Tiny ? 5 : 64, win = Tiny ? 6 : 64, hout = Tiny ? 4 : 48, wout = Tiny ? 7 : 48;
        var x = Uniform("gs-x", n * c * hin * win);
        var gyOut = Uniform("gs-gy", n * c * hout * wout);
        // Coordinates beyond [-1, 1] exercise zeros padding; a few far-off ones the overflow clamp.
        var grid = Uniform("gs-grid", n * hout * wout * 2, -1.3f, 1.3f);
        grid[0] = 50f;
        grid[3] = -1e9f;
        foreach (bool align in new[] { false, true })
        {
            string name = $"[{n},{c},{hin},{win}] -> {hout}x{wout} alignCorners={align}";
            Compare("GridSample", name, 1e-6, s =>
            {
                var y = s.Out(gyOut.Length);
                s.B.GridSample(s.Up(x), s.Up(grid), y, n, c, hin, win, hout, wout, align);
                return [s.Down(y)];
            });
            foreach (var (wantX, wantGrid) in new[] { (true, true), (true, false), (false, true) })
                Compare("GridSampleBackward", $"{name} gx={wantX} ggrid={wantGrid}", 1e-5, s =>
                {
                    var gx = wantX ? s.Out(x.Length) : null;
                    var gg = wantGrid ? s.Out(grid.Length) : null;
                    s.B.GridSampleBackward(s.Up(x), s.Up(grid), s.Up(gyOut), gx, gg, n, c, hin, win, hout, wout, align);
                    return [.. gx is null ? [] : new[] { s.Down(gx) }, .. gg is null ? [] : new[] { s.Down(gg) }];
                });
        }
    }
}
