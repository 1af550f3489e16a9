using KernelGan.Kernels;

namespace KernelGan;

public static partial class Ops
{
    /// <summary>Same values, new shape (no copy). One dim may be -1 (inferred).</summary>
    public static Tensor Reshape(Tensor x, params int[] shape)
    {
        var resolved = (int[])shape.Clone();
        int infer = Array.IndexOf(resolved, -1);
        if (infer >= 0)
        {
            int known = 1;
            for (int i = 0; i < resolved.Length; i++) if (i != infer) known *= resolved[i];
            if (known == 0 || x.Count % known != 0)
                throw new ShapeException($"reshape: cannot infer -1 in {F(shape)} for {F(x.Shape)}");
            resolved[infer] = x.Count / known;
        }
        if (Shape.Count(resolved) != x.Count)
            throw new ShapeException($"reshape: {F(x.Shape)} ({x.Count} elements) cannot become {F(resolved)}");
        var y = x.Alias(resolved);
        return Tensor.Record("reshape", y, [x], gy => [gy.Alias(x.Shape)]);
    }

    /// <summary>[N, ...] to [N, rest].</summary>
    public static Tensor Flatten(Tensor x) => Reshape(x, x.Shape[0], -1);

    /// <summary>The slice [start, start+length) along one axis (a copy).</summary>
    public static Tensor Narrow(Tensor x, int axis, int start, int length)
    {
        int ax = Shape.Axis("narrow", axis, x.Rank);
        if (start < 0 || length < 0 || start + length > x.Shape[ax])
            throw new ShapeException($"narrow: [{start}, {start + length}) is outside axis {ax} of {F(x.Shape)}");
        var shape = (int[])x.Shape.Clone();
        shape[ax] = length;
        int outer = Shape.Count(x.Shape.AsSpan(0, ax)), inner = Shape.Count(x.Shape.AsSpan(ax + 1));
        var y = Tensor.Empty(shape, x.Backend);
        x.Backend.Copy2D(x.Buffer, start * inner, x.Shape[ax] * inner, y.Buffer, 0, length * inner, outer, length * inner);
        return Tensor.Record("narrow", y, [x], gy =>
        {
            var gx = Tensor.Zeros(x.Shape, x.Backend);
            x.Backend.Copy2D(gy.Buffer, 0, length * inner, gx.Buffer, start * inner, x.Shape[ax] * inner, outer, length * inner);
            return [gx];
        });
    }

    /// <summary>Joins tensors along one axis; all other dims must match.</summary>
    public static Tensor Concat(int axis, params Tensor[] parts)
    {
        if (parts.Length == 0) throw new ShapeException("concat: no tensors given");
        var first = parts[0];
        int ax = Shape.Axis("concat", axis, first.Rank);
        int total = 0;
        foreach (var p in parts)
        {
            SameBackend("concat", first, p);
            bool ok = p.Rank == first.Rank;
            for (int d = 0; ok && d < p.Rank; d++) ok = d == ax || p.Shape[d] == first.Shape[d];
            if (!ok) throw new ShapeException($"concat: {F(p.Shape)} does not match {F(first.Shape)} outside axis {ax}");
            total += p.Shape[ax];
        }
        var shape = (int[])first.Shape.Clone();
        shape[ax] = total;
        int outer = Shape.Count(first.Shape.AsSpan(0, ax)), inner = Shape.Count(first.Shape.AsSpan(ax + 1));
        var y = Tensor.Empty(shape, first.Backend);
        int offset = 0;
        foreach (var p in parts)
        {
            first.Backend.Copy2D(p.Buffer, 0, p.Shape[ax] * inner, y.Buffer, offset * inner, total * inner, outer, p.Shape[ax] * inner);
            offset += p.Shape[ax];
        }
        return Tensor.Record("concat", y, parts, gy =>
        {
            var grads = new Tensor?[parts.Length];
            int off = 0;
            for (int i = 0; i < parts.Length; i++)
            {
                var p = parts[i];
                if (p.RequiresGrad)
                {
                    var g = Tensor.Empty(p.Shape, p.Backend);
                    p.Backend.Copy2D(gy.Buffer, off * inner, total * inner, g.Buffer, 0, p.Shape[ax] * inner, outer, p.Shape[ax] * inner);
                    grads[i] = g;
                }
                off += p.Shape[ax];
            }
            return grads;
        });
    }

    /// <summary>Rows of x (along axis 0) picked by index: y[i] = x[index[i]] (e.g. a batch permutation).</summary>
    public static Tensor Gather(Tensor x, int[] index)
    {
        if (x.Rank < 1) throw new ShapeException("gather: scalar input");
        int rowLength = x.Count / Math.Max(1, x.Shape[0]);
        foreach (int i in index)
            if ((uint)i >= (uint)x.Shape[0]) throw new ShapeException($"gather: index {i} outside axis 0 of {F(x.Shape)}");
        var shape = (int[])x.Shape.Clone();
        shape[0] = index.Length;
        var idx = x.Backend.UploadIndices(index);
        var y = Tensor.Empty(shape, x.Backend);
        x.Backend.GatherRows(x.Buffer, idx, y.Buffer, index.Length, rowLength);
        TensorScope.Track(idx);
        return Tensor.Record("gather", y, [x], gy =>
        {
            var gx = Tensor.Empty(x.Shape, x.Backend);
            x.Backend.ScatterAddRows(gy.Buffer, idx, gx.Buffer, index.Length, x.Shape[0], rowLength);
            return [gx];
        });
    }
}
