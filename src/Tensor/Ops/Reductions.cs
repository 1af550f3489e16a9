using KernelGan.Kernels;

namespace KernelGan;

public static partial class Ops
{
    /// <summary>Sum of all elements (a scalar, shape []).</summary>
    public static Tensor Sum(Tensor x) => Sum(x, AllAxes(x), keepDims: false);

    public static Tensor Mean(Tensor x) => Mean(x, AllAxes(x), keepDims: false);

    public static Tensor Sum(Tensor x, int[] axes, bool keepDims = false) => Reduce("sum", x, axes, keepDims, 1f);

    public static Tensor Mean(Tensor x, int[] axes, bool keepDims = false)
    {
        var norm = NormalizeAxes("mean", axes, x.Rank);
        long n = 1;
        foreach (int a in norm) n *= x.Shape[a];
        return Reduce("mean", x, norm, keepDims, n == 0 ? float.NaN : 1f / n);
    }

    /// <summary>log(sum(exp(x))) over one axis, computed stably.</summary>
    public static Tensor LogSumExp(Tensor x, int axis, bool keepDims = false)
    {
        int ax = Shape.Axis("logsumexp", axis, x.Rank);
        var keep = (int[])x.Shape.Clone();
        keep[ax] = 1;
        int outer = Shape.Count(x.Shape.AsSpan(0, ax)), inner = Shape.Count(x.Shape.AsSpan(ax + 1));
        var y = Tensor.Empty(keepDims ? keep : Squeeze(keep, [ax]), x.Backend);
        x.Backend.LogSumExp(x.Buffer, y.Buffer, outer, x.Shape[ax], inner);
        return Tensor.Record("logsumexp", y, [x], gy =>
        {
            // d lse / dx = softmax(x) = exp(x - lse)
            using var lse = y.Alias(keep);
            using var g = gy.Alias(keep);
            using var centered = Binary(BinaryOp.Sub, x, lse);
            using var softmax = Exp(centered);
            return [Binary(BinaryOp.Mul, softmax, g)];
        });
    }

    private static Tensor Reduce(string op, Tensor x, int[] axes, bool keepDims, float scale)
    {
        var norm = NormalizeAxes(op, axes, x.Rank);
        var keep = (int[])x.Shape.Clone();
        foreach (int a in norm) keep[a] = 1;
        var reduced = SumTo(x, keep, alwaysCopy: true);
        if (scale != 1f) x.Backend.Unary(UnaryOp.Affine, reduced.Buffer, reduced.Buffer, reduced.Count, scale, 0f);
        var y = keepDims ? reduced : Reshaped(reduced, Squeeze(keep, norm));
        return Tensor.Record(op, y, [x], gy =>
        {
            // Each input element receives its output's gradient, times the mean's 1/n.
            using var g = gy.Alias(keep);
            return [Expand(g, x.Shape, scale)];
        });
    }

    /// <summary>Broadcasts g (whose shape broadcasts to <paramref name="shape"/>) to that shape, times scale.</summary>
    internal static Tensor Expand(Tensor g, int[] shape, float scale = 1f)
    {
        var y = Tensor.Empty(shape, g.Backend);
        using var s = Tensor.Full([], scale, g.Backend);
        var gShape = Shape.PadLeft(g.Shape, shape.Length);
        g.Backend.Binary(BinaryOp.Mul, g.Buffer, gShape, s.Buffer, Shape.PadLeft([], shape.Length), y.Buffer, shape);
        return y;
    }

    /// <summary>
    /// Sums g over the dims that broadcasting expanded, giving a tensor of <paramref name="shape"/>
    /// (the reverse of broadcasting). Returns g itself when nothing needs reducing, unless asked to copy.
    /// </summary>
    internal static Tensor SumTo(Tensor g, int[] shape, bool alwaysCopy = false)
    {
        var target = Shape.PadLeft(shape, g.Rank);
        if (target.Length != g.Rank) throw new ShapeException($"sum-to: {F(g.Shape)} cannot reduce to {F(shape)}");
        var current = g;
        var curShape = (int[])g.Shape.Clone();
        // Reduce runs of adjacent reduced axes, last run first, each as one [outer, mid, inner] pass.
        int axis = g.Rank - 1;
        while (axis >= 0)
        {
            if (!(target[axis] == 1 && curShape[axis] != 1)) { axis--; continue; }
            int end = axis;
            while (axis - 1 >= 0 && target[axis - 1] == 1 && curShape[axis - 1] != 1) axis--;
            int start = axis;
            int outer = Shape.Count(curShape.AsSpan(0, start));
            int mid = Shape.Count(curShape.AsSpan(start, end - start + 1));
            int inner = Shape.Count(curShape.AsSpan(end + 1));
            for (int a = start; a <= end; a++) curShape[a] = 1;
            var next = Tensor.Empty(curShape, g.Backend);
            g.Backend.ReduceSum(current.Buffer, next.Buffer, outer, mid, inner);
            if (!ReferenceEquals(current, g)) current.Dispose();
            current = next;
            axis--;
        }
        if (ReferenceEquals(current, g))
        {
            if (!alwaysCopy) return g.Rank == shape.Length ? g : g.Alias(shape);
            current = g.Clone();
        }
        return current.Rank == shape.Length ? current : Reshaped(current, shape);
    }

    /// <summary>A view of <paramref name="owned"/> with another shape; takes ownership (disposes the original object).</summary>
    internal static Tensor Reshaped(Tensor owned, int[] shape)
    {
        var view = owned.Alias(shape);
        owned.Dispose();
        return view;
    }

    private static int[] AllAxes(Tensor x) => Enumerable.Range(0, x.Rank).ToArray();

    private static int[] NormalizeAxes(string op, int[] axes, int rank)
    {
        var set = new SortedSet<int>();
        foreach (int a in axes)
            if (!set.Add(Shape.Axis(op, a, rank))) throw new ShapeException($"{op}: axis {a} given twice");
        return set.ToArray();
    }

    private static int[] Squeeze(int[] shape, int[] axes) =>
        shape.Where((_, i) => Array.IndexOf(axes, i) < 0).ToArray();
}
