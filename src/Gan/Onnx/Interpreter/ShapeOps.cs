namespace KernelGan.Gan.Onnx.Interpreter;

/// <summary>
/// Ops that move or relabel data: reshapes, concatenation, slicing, transposes, padding, and the
/// shape arithmetic exporters emit (Shape, Gather, Cast, Constant). Each works on host values
/// (integer shapes and small constants) as well as on device tensors.
/// </summary>
public static class ShapeOps
{
    public static OnnxValue[] Reshape(OpContext c)
    {
        var x = c.Input(0);
        var spec = c.Integers(1);
        bool allowZero = c.Int("allowzero", 0) != 0;
        var shape = new int[spec.Length];
        int infer = -1;
        for (int d = 0; d < spec.Length; d++)
        {
            if (spec[d] == -1) { if (infer >= 0) throw c.Error("more than one -1 in the shape"); infer = d; shape[d] = 1; }
            else if (spec[d] == 0 && !allowZero) shape[d] = d < x.Shape.Length ? x.Shape[d] : throw c.Error($"shape [{string.Join(",", spec)}] copies dim {d} of a rank-{x.Shape.Length} input");
            else shape[d] = checked((int)spec[d]);
        }
        if (infer >= 0)
        {
            int known = Shape.Count(shape);
            if (known == 0 || Shape.Count(x.Shape) % known != 0) throw c.Error($"cannot reshape {Shape.Format(x.Shape)} to [{string.Join(",", spec)}]");
            shape[infer] = Shape.Count(x.Shape) / known;
        }
        if (Shape.Count(shape) != Shape.Count(x.Shape)) throw c.Error($"cannot reshape {Shape.Format(x.Shape)} to {Shape.Format(shape)}");
        return [Reshaped(c, x, shape)];
    }

    public static OnnxValue[] Flatten(OpContext c)
    {
        var x = c.Input(0);
        long axis = c.Int("axis", 1);
        int a = (int)(axis < 0 ? axis + x.Shape.Length : axis);
        if (a < 0 || a > x.Shape.Length) throw c.Error($"axis {axis} is outside rank {x.Shape.Length}");
        return [Reshaped(c, x, [Shape.Count(x.Shape.AsSpan(0, a)), Shape.Count(x.Shape.AsSpan(a))])];
    }

    public static OnnxValue[] Squeeze(OpContext c)
    {
        var x = c.Input(0);
        var axes = (c.Has(1) ? c.Integers(1) : c.Ints("axes"))?.Select(a => c.Axis(a, x.Shape.Length)).ToHashSet();
        var shape = new List<int>();
        for (int d = 0; d < x.Shape.Length; d++)
        {
            bool drop = axes is null ? x.Shape[d] == 1 : axes.Contains(d);
            if (drop && x.Shape[d] != 1) throw c.Error($"axis {d} of {Shape.Format(x.Shape)} is not 1");
            if (!drop) shape.Add(x.Shape[d]);
        }
        return [Reshaped(c, x, [.. shape])];
    }

    public static OnnxValue[] Unsqueeze(OpContext c)
    {
        var x = c.Input(0);
        var given = (c.Has(1) ? c.Integers(1) : c.Ints("axes")) ?? throw c.Error("axes are required");
        int rank = x.Shape.Length + given.Length;
        var axes = given.Select(a => c.Axis(a, rank)).ToHashSet();
        var shape = new int[rank];
        for (int d = 0, source = 0; d < rank; d++) shape[d] = axes.Contains(d) ? 1 : x.Shape[source++];
        return [Reshaped(c, x, shape)];
    }

    public static OnnxValue[] Concat(OpContext c)
    {
        var parts = Enumerable.Range(0, c.InputCount).Where(c.Has).Select(c.Input).ToList();
        int axis = c.Axis(c.Int("axis", 0), parts[0].Shape.Length);
        if (parts.All(p => p.IsInteger))
        {
            // Host concatenation (shape vectors): outer blocks, each part's slab in turn.
            int outer = Shape.Count(parts[0].Shape.AsSpan(0, axis));
            var values = new List<long>();
            for (int o = 0; o < outer; o++)
                foreach (var p in parts)
                {
                    int slab = Shape.Count(p.Shape.AsSpan(axis));
                    values.AddRange(p.Integers!.Skip(o * slab).Take(slab));
                }
            var shape = LayoutOps.WithAxis(parts[0].Shape, axis, parts.Sum(p => p.Shape[axis]));
            return [OnnxValue.HostIntegers([.. values], shape)];
        }
        return [OnnxValue.OnDevice(Ops.Concat(axis, parts.Select(p => p.AsTensor(c.Backend, c.Describe)).ToArray()))];
    }

    public static OnnxValue[] Transpose(OpContext c)
    {
        var x = c.Input(0);
        int rank = x.Shape.Length;
        var perm = (c.Ints("perm") ?? Enumerable.Range(0, rank).Reverse().Select(d => (long)d).ToArray()).Select(p => (int)p).ToArray();
        if (perm.Length != rank || perm.Order().Where((p, i) => p != i).Any()) throw c.Error($"perm [{string.Join(",", perm)}] is not a permutation of rank {rank}");
        var shape = perm.Select(p => x.Shape[p]).ToArray();
        var strides = LayoutOps.Strides(x.Shape);
        var source = LayoutOps.MapIndices(shape, index =>
        {
            long s = 0;
            for (int d = 0; d < rank; d++) s += index[d] * strides[perm[d]];
            return s;
        });
        return [Gathered(c, x, source, shape)];
    }

    public static OnnxValue[] ShapeOf(OpContext c)
    {
        var dims = c.Input(0).Shape.Select(d => (long)d).ToArray();
        int rank = dims.Length;
        long start = c.Int("start", 0), end = c.Int("end", rank);
        int s = (int)Math.Clamp(start < 0 ? start + rank : start, 0, rank), e = (int)Math.Clamp(end < 0 ? end + rank : end, 0, rank);
        var slice = dims[s..Math.Max(s, e)];
        return [OnnxValue.HostIntegers(slice, [slice.Length])];
    }

    public static OnnxValue[] Gather(OpContext c)
    {
        var data = c.Input(0);
        var indices = c.Input(1);
        var idx = indices.Integers ?? throw c.Error("indices must be an integer tensor known before the run");
        int axis = c.Axis(c.Int("axis", 0), data.Shape.Length), size = data.Shape[axis];
        var normalized = idx.Select(i => i < 0 ? i + size : i).ToArray();
        if (normalized.Any(i => i < 0 || i >= size)) throw c.Error($"an index is outside axis {axis} of {Shape.Format(data.Shape)}");
        var shape = data.Shape.Take(axis).Concat(indices.Shape).Concat(data.Shape.Skip(axis + 1)).ToArray();
        if (axis == 0 && data.DeviceTensor is not null)
            return [OnnxValue.OnDevice(Ops.Reshape(Ops.Gather(data.DeviceTensor, normalized.Select(i => (int)i).ToArray()), shape))];
        var strides = LayoutOps.Strides(data.Shape);
        int indexRank = indices.Shape.Length;
        var indexStrides = LayoutOps.Strides(indices.Shape);
        var source = LayoutOps.MapIndices(shape, index =>
        {
            long flatIndex = 0;
            for (int d = 0; d < indexRank; d++) flatIndex += index[axis + d] * indexStrides[d];
            long s = normalized[flatIndex] * strides[axis];
            for (int d = 0; d < axis; d++) s += index[d] * strides[d];
            for (int d = axis + 1; d < data.Shape.Length; d++) s += index[d + indexRank - 1] * strides[d];
            return s;
        });
        return [Gathered(c, data, source, shape)];
    }

    public static OnnxValue[] Slice(OpContext c)
    {
        var x = c.Input(0);
        int rank = x.Shape.Length;
        // From opset 10 on the bounds are inputs; before, attributes (without steps).
        long[] starts = c.InputCount > 1 ? c.Integers(1) : c.Ints("starts") ?? throw c.Error("starts are required");
        long[] ends = c.InputCount > 2 ? c.Integers(2) : c.Ints("ends") ?? throw c.Error("ends are required");
        long[] axes = c.Has(3) ? c.Integers(3) : c.Ints("axes") ?? Enumerable.Range(0, starts.Length).Select(a => (long)a).ToArray();
        long[] steps = c.Has(4) ? c.Integers(4) : Enumerable.Repeat(1L, starts.Length).ToArray();
        var begin = new int[rank];
        var step = Enumerable.Repeat(1, rank).ToArray();
        var shape = (int[])x.Shape.Clone();
        for (int i = 0; i < axes.Length; i++)
        {
            int a = c.Axis(axes[i], rank), dim = x.Shape[a];
            long s = starts[i], e = ends[i], st = steps[i];
            if (st == 0) throw c.Error("a step of 0");
            if (s < 0) s += dim;
            if (e < 0) e += dim;
            if (st > 0) { s = Math.Clamp(s, 0, dim); e = Math.Clamp(e, 0, dim); }
            else { s = Math.Clamp(s, 0, dim - 1); e = Math.Clamp(e, -1, dim - 1); }
            long count = st > 0 ? (e - s + st - 1) / st : (s - e - st - 1) / -st;
            begin[a] = (int)s;
            step[a] = (int)st;
            shape[a] = (int)Math.Max(0, count);
        }
        if (x.DeviceTensor is not null && step.All(v => v == 1))
        {
            var t = x.DeviceTensor;
            for (int a = 0; a < rank; a++)
                if (shape[a] != x.Shape[a]) t = Ops.Narrow(t, a, begin[a], shape[a]);
            return [OnnxValue.OnDevice(ReferenceEquals(t, x.DeviceTensor) ? Ops.Reshape(t, t.Shape) : t)];
        }
        var strides = LayoutOps.Strides(x.Shape);
        var source = LayoutOps.MapIndices(shape, index =>
        {
            long s = 0;
            for (int d = 0; d < rank; d++) s += (begin[d] + (long)index[d] * step[d]) * strides[d];
            return s;
        });
        return [Gathered(c, x, source, shape)];
    }

    public static OnnxValue[] Split(OpContext c)
    {
        var x = c.Tensor(0);
        int axis = c.Axis(c.Int("axis", 0), x.Rank), outputs = c.Node.Outputs.Count;
        long[] sizes = c.Has(1) ? c.Integers(1) : c.Ints("split") ?? EqualParts(x.Shape[axis], (int)c.Int("num_outputs", outputs));
        if (sizes.Length != outputs || sizes.Sum() != x.Shape[axis]) throw c.Error($"split sizes [{string.Join(",", sizes)}] do not divide axis {axis} of {Shape.Format(x.Shape)} into {outputs}");
        var result = new OnnxValue[outputs];
        int start = 0;
        for (int i = 0; i < outputs; i++)
        {
            result[i] = OnnxValue.OnDevice(Ops.Narrow(x, axis, start, (int)sizes[i]));
            start += (int)sizes[i];
        }
        return result;
    }

    /// <summary>ONNX's equal split: parts of ceil(size / n), the last one smaller where it does not divide.</summary>
    private static long[] EqualParts(int size, int n)
    {
        long part = (size + n - 1) / n;
        return Enumerable.Range(0, n).Select(i => Math.Max(0, Math.Min(part, size - i * part))).ToArray();
    }

    public static OnnxValue[] Pad(OpContext c)
    {
        if (c.String("mode", "constant") != "constant") throw c.Error($"mode '{c.String("mode", "")}' is not supported (constant only)");
        var x = c.Tensor(0);
        long[] pads = c.Has(1) ? c.Integers(1) : c.Ints("pads") ?? throw c.Error("pads are required");
        float value = c.Has(2) ? c.HostFloats(2)[0] : c.Float("value", 0f);
        long[] axes = c.Has(3) ? c.Integers(3) : Enumerable.Range(0, x.Rank).Select(a => (long)a).ToArray();
        if (pads.Length != 2 * axes.Length) throw c.Error($"{pads.Length} pads for {axes.Length} axes");
        if (pads.Any(p => p < 0)) throw c.Error("negative pads (cropping) are not supported");
        var y = x;
        for (int i = 0; i < axes.Length; i++) y = LayoutOps.Pad(y, c.Axis(axes[i], x.Rank), (int)pads[i], (int)pads[i + axes.Length], value);
        return [OnnxValue.OnDevice(ReferenceEquals(y, x) ? Ops.Reshape(x, x.Shape) : y)];
    }

    public static OnnxValue[] Constant(OpContext c)
    {
        var n = c.Node;
        if (n.Attribute("value") is { T: { } t }) return [OnnxValue.FromConstant(t, persistent: false)];
        if (n.Attribute("value_float") is { } f) return [OnnxValue.HostFloats([f.F], [])];
        if (n.Attribute("value_floats") is { } fs) return [OnnxValue.HostFloats(fs.Floats, [fs.Floats.Length])];
        if (n.Attribute("value_int") is { } i) return [OnnxValue.HostIntegers([i.I], [])];
        if (n.Attribute("value_ints") is { } ints) return [OnnxValue.HostIntegers(ints.Ints, [ints.Ints.Length])];
        throw c.Error("no value attribute we support (value, value_float(s), value_int(s))");
    }

    public static OnnxValue[] ConstantOfShape(OpContext c)
    {
        var shape = c.Integers(0).Select(d => checked((int)d)).ToArray();
        int count = Shape.Count(shape);
        var value = c.Node.Attribute("value")?.T;
        if (value?.Integers is { } ints) return [OnnxValue.HostIntegers(Enumerable.Repeat(ints[0], count).ToArray(), shape)];
        float v = value?.Floats?[0] ?? 0f;
        return [OnnxValue.HostFloats(Enumerable.Repeat(v, count).ToArray(), shape)];
    }

    public static OnnxValue[] Cast(OpContext c)
    {
        var x = c.Input(0);
        var to = (OnnxDataType)c.Int("to", 0);
        if (OnnxTensor.IsFloating(to))
        {
            if (x.Integers is { } ints) return [OnnxValue.HostFloats(ints.Select(v => (float)v).ToArray(), x.Shape)];
            return ElementwiseOps.Identity(c);
        }
        if (OnnxTensor.IsInteger(to) && x.DeviceTensor is null)
            return [OnnxValue.HostIntegers(x.Integers ?? x.HostFloatValues().Select(v => (long)Math.Truncate(v)).ToArray(), x.Shape)];
        throw c.Error($"casting device data to {to} is not supported");
    }

    private static OnnxValue Reshaped(OpContext c, OnnxValue x, int[] shape)
    {
        if (x.Integers is { } ints) return OnnxValue.HostIntegers(ints, shape);
        if (x.DeviceTensor is null) return OnnxValue.HostFloats(x.HostFloatValues(), shape);
        return OnnxValue.OnDevice(Ops.Reshape(x.DeviceTensor, shape));
    }

    /// <summary>y = x.flat[source], on the host for host values, else as one device gather.</summary>
    private static OnnxValue Gathered(OpContext c, OnnxValue x, int[] source, int[] shape)
    {
        if (x.Integers is { } ints) return OnnxValue.HostIntegers(source.Select(i => ints[i]).ToArray(), shape);
        if (x.DeviceTensor is null)
        {
            var floats = x.HostFloatValues();
            return OnnxValue.HostFloats(source.Select(i => floats[i]).ToArray(), shape);
        }
        return OnnxValue.OnDevice(LayoutOps.GatherElements(x.DeviceTensor, source, shape));
    }
}
