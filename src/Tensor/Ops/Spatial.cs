namespace KernelGan;

public static partial class Ops
{
    /// <summary>
    /// Shifts each image of x [N, C, H, W] by whole pixels (dx[n] right, dy[n] down), filling with
    /// zeros. Used to perturb fg and mask together before the discriminator.
    /// </summary>
    public static Tensor Translate(Tensor x, int[] dx, int[] dy)
    {
        RequireRank("translate", x, 4, "input");
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        if (dx.Length != n || dy.Length != n)
            throw new ShapeException($"translate: {dx.Length} x-shifts and {dy.Length} y-shifts for a batch of {n}");
        var backend = x.Backend;
        var sx = backend.UploadIndices(dx);
        var sy = backend.UploadIndices(dy);
        TensorScope.Track(sx);
        TensorScope.Track(sy);
        var y = Tensor.Empty(x.Shape, backend);
        backend.Translate(x.Buffer, y.Buffer, n, c, h, w, sx, sy);
        return Tensor.Record("translate", y, [x], gy =>
        {
            // The adjoint of a zero-filled shift is the opposite shift.
            var nx = backend.UploadIndices(dx.Select(v => -v).ToArray());
            var ny = backend.UploadIndices(dy.Select(v => -v).ToArray());
            TensorScope.Track(nx);
            TensorScope.Track(ny);
            var gx = Tensor.Empty(x.Shape, backend);
            backend.Translate(gy.Buffer, gx.Buffer, n, c, h, w, nx, ny);
            return [gx];
        });
    }

    public static Tensor UpsampleNearest(Tensor x, int factor)
    {
        RequireRank("upsample-nearest", x, 4, "input");
        if (factor < 1) throw new ShapeException($"upsample-nearest: factor {factor} must be at least 1");
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        var y = Tensor.Empty([n, c, h * factor, w * factor], x.Backend);
        x.Backend.UpsampleNearest(x.Buffer, y.Buffer, n, c, h, w, factor);
        return Tensor.Record("upsample-nearest", y, [x], gy =>
        {
            var gx = Tensor.Empty(x.Shape, x.Backend);
            x.Backend.UpsampleNearestBackward(gy.Buffer, gx.Buffer, n, c, h, w, factor);
            return [gx];
        });
    }

    /// <summary>Bilinear resize of x [N, C, H, W] to [N, C, outH, outW] (PyTorch's interpolate).</summary>
    public static Tensor ResizeBilinear(Tensor x, int outH, int outW, bool alignCorners = false)
    {
        RequireRank("resize-bilinear", x, 4, "input");
        if (outH < 1 || outW < 1) throw new ShapeException($"resize-bilinear: output size {outH}x{outW} must be positive");
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        var y = Tensor.Empty([n, c, outH, outW], x.Backend);
        x.Backend.UpsampleBilinear(x.Buffer, y.Buffer, n, c, h, w, outH, outW, alignCorners);
        return Tensor.Record("resize-bilinear", y, [x], gy =>
        {
            var gx = Tensor.Empty(x.Shape, x.Backend);
            x.Backend.UpsampleBilinearBackward(gy.Buffer, gx.Buffer, n, c, h, w, outH, outW, alignCorners);
            return [gx];
        });
    }

    public static Tensor AvgPool2d(Tensor x, int kernel, int stride = -1)
    {
        RequireRank("avg-pool2d", x, 4, "input");
        if (stride < 0) stride = kernel;
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        if (kernel < 1 || stride < 1 || kernel > h || kernel > w)
            throw new ShapeException($"avg-pool2d: kernel {kernel}, stride {stride} do not fit input {F(x.Shape)}");
        int oh = (h - kernel) / stride + 1, ow = (w - kernel) / stride + 1;
        var y = Tensor.Empty([n, c, oh, ow], x.Backend);
        x.Backend.AvgPool2d(x.Buffer, y.Buffer, n, c, h, w, kernel, stride);
        return Tensor.Record("avg-pool2d", y, [x], gy =>
        {
            var gx = Tensor.Empty(x.Shape, x.Backend);
            x.Backend.AvgPool2dBackward(gy.Buffer, gx.Buffer, n, c, h, w, kernel, stride);
            return [gx];
        });
    }

    /// <summary>Sampling grid [N, H, W, 2] for affine matrices theta [N, 2, 3] (PyTorch's affine_grid).</summary>
    public static Tensor AffineGrid(Tensor theta, int h, int w, bool alignCorners = false)
    {
        if (theta.Rank != 3 || theta.Shape[1] != 2 || theta.Shape[2] != 3)
            throw new ShapeException($"affine-grid: theta {F(theta.Shape)} must be [N,2,3]");
        int n = theta.Shape[0];
        var grid = Tensor.Empty([n, h, w, 2], theta.Backend);
        theta.Backend.AffineGrid(theta.Buffer, grid.Buffer, n, h, w, alignCorners);
        return Tensor.Record("affine-grid", grid, [theta], gg =>
        {
            var gt = Tensor.Empty(theta.Shape, theta.Backend);
            theta.Backend.AffineGridBackward(gg.Buffer, gt.Buffer, n, h, w, alignCorners);
            return [gt];
        });
    }

    /// <summary>Bilinear sampling of x [N, C, Hin, Win] at grid [N, Hout, Wout, 2], zeros outside (grid_sample).</summary>
    public static Tensor GridSample(Tensor x, Tensor grid, bool alignCorners = false)
    {
        var backend = SameBackend("grid-sample", x, grid);
        RequireRank("grid-sample", x, 4, "input");
        if (grid.Rank != 4 || grid.Shape[3] != 2 || grid.Shape[0] != x.Shape[0])
            throw new ShapeException($"grid-sample: grid {F(grid.Shape)} must be [{x.Shape[0]},H,W,2] for input {F(x.Shape)}");
        int n = x.Shape[0], c = x.Shape[1], hin = x.Shape[2], win = x.Shape[3], hout = grid.Shape[1], wout = grid.Shape[2];
        var y = Tensor.Empty([n, c, hout, wout], backend);
        backend.GridSample(x.Buffer, grid.Buffer, y.Buffer, n, c, hin, win, hout, wout, alignCorners);
        return Tensor.Record("grid-sample", y, [x, grid], gy =>
        {
            var gx = x.RequiresGrad ? Tensor.Empty(x.Shape, backend) : null;
            var gg = grid.RequiresGrad ? Tensor.Empty(grid.Shape, backend) : null;
            backend.GridSampleBackward(x.Buffer, grid.Buffer, gy.Buffer, gx?.Buffer, gg?.Buffer, n, c, hin, win, hout, wout, alignCorners);
            return [gx, gg];
        });
    }
}
