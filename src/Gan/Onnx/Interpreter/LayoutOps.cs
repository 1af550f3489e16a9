namespace KernelGan.Gan.Onnx.Interpreter;

/// <summary>
/// Data movement the interpreter builds from the existing tensor ops (Concat, Narrow, Reshape,
/// Gather), so ONNX's padding, strided windows, transposes and reversed slices need no kernel of
/// their own: the same code then runs on every backend.
/// </summary>
public static class LayoutOps
{
    /// <summary>Pads one axis with <paramref name="before"/> and <paramref name="after"/> entries of <paramref name="value"/>.</summary>
    public static Tensor Pad(Tensor x, int axis, int before, int after, float value)
    {
        if (before == 0 && after == 0) return x;
        var parts = new List<Tensor>(3);
        if (before > 0) parts.Add(Tensor.Full(WithAxis(x.Shape, axis, before), value, x.Backend));
        parts.Add(x);
        if (after > 0) parts.Add(Tensor.Full(WithAxis(x.Shape, axis, after), value, x.Backend));
        return Ops.Concat(axis, [.. parts]);
    }

    /// <summary>
    /// Entries start, start + stride, ..., start + (count - 1) * stride of one axis. Needs
    /// start + count * stride &lt;= the axis length (callers pad for it), so that the run can be
    /// viewed as [count, stride] and its first column taken.
    /// </summary>
    public static Tensor Strided(Tensor x, int axis, int start, int count, int stride)
    {
        if (stride == 1) return Ops.Narrow(x, axis, start, count);
        var split = x.Shape.Take(axis).Append(count).Append(stride).Concat(x.Shape.Skip(axis + 1)).ToArray();
        using var run = Ops.Narrow(x, axis, start, count * stride);
        using var grouped = Ops.Reshape(run, split);
        using var first = Ops.Narrow(grouped, axis + 1, 0, 1);
        // The reshaped result shares first's storage, which stays alive while the result does.
        return Ops.Reshape(first, WithAxis(x.Shape, axis, count));
    }

    /// <summary>
    /// y[i] = x[source[i]] over the flattened tensors, shaped <paramref name="shape"/>: a transpose
    /// or a reversal as one gather (the backend's row gather with one-element rows).
    /// </summary>
    public static Tensor GatherElements(Tensor x, int[] source, int[] shape)
    {
        var flat = Ops.Reshape(x, x.Count, 1);
        return Ops.Reshape(Ops.Gather(flat, source), shape);
    }

    /// <summary>For every position of <paramref name="outShape"/> (row-major), the flat source index <paramref name="source"/> gives for its multi-index.</summary>
    public static int[] MapIndices(int[] outShape, Func<int[], long> source)
    {
        int count = Shape.Count(outShape);
        var result = new int[count];
        var index = new int[outShape.Length];
        for (int i = 0; i < count; i++)
        {
            result[i] = checked((int)source(index));
            for (int d = outShape.Length - 1; d >= 0 && ++index[d] == outShape[d]; d--) index[d] = 0;
        }
        return result;
    }

    /// <summary>Row-major strides of a shape.</summary>
    public static long[] Strides(int[] shape)
    {
        var strides = new long[shape.Length];
        long s = 1;
        for (int d = shape.Length - 1; d >= 0; d--) { strides[d] = s; s *= shape[d]; }
        return strides;
    }

    public static int[] WithAxis(int[] shape, int axis, int size)
    {
        var s = (int[])shape.Clone();
        s[axis] = size;
        return s;
    }
}
