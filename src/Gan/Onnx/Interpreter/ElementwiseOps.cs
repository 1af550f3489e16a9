using KernelGan.Kernels;

namespace KernelGan.Gan.Onnx.Interpreter;

/// <summary>
/// Pointwise ops. Float data runs on the backend's unary and broadcasting binary kernels; when
/// both operands of a binary op are host values (shape arithmetic), it is computed on the host.
/// </summary>
public static class ElementwiseOps
{
    public static OpKernel Unary(Func<Tensor, Tensor> f) => c => [OnnxValue.OnDevice(f(c.Tensor(0)))];

    public static OnnxValue[] LeakyRelu(OpContext c) => [OnnxValue.OnDevice(Ops.LeakyRelu(c.Tensor(0), c.Float("alpha", 0.01f)))];

    public static OnnxValue[] Clip(OpContext c)
    {
        // Before opset 11 the bounds are attributes, from 11 on optional inputs.
        float lo = c.Has(1) ? c.HostFloats(1)[0] : c.Float("min", float.NegativeInfinity);
        float hi = c.Has(2) ? c.HostFloats(2)[0] : c.Float("max", float.PositiveInfinity);
        return [OnnxValue.OnDevice(Ops.Clamp(c.Tensor(0), lo, hi))];
    }

    /// <summary>Identity and inference-mode Dropout: the same values under a new name.</summary>
    public static OnnxValue[] Identity(OpContext c)
    {
        var x = c.Input(0);
        if (x.DeviceTensor is null) return [x];
        return [OnnxValue.OnDevice(Ops.Reshape(x.DeviceTensor, x.Shape))];
    }

    public static OpKernel Binary(BinaryOp op, Func<double, double, double> onHost) => c =>
    {
        OnnxValue a = c.Input(0), b = c.Input(1);
        if (a.DeviceTensor is null && b.DeviceTensor is null) return [HostBinary(c, a, b, onHost)];
        return [OnnxValue.OnDevice(Ops.Binary(op, c.Tensor(0), c.Tensor(1)))];
    };

    private static OnnxValue HostBinary(OpContext c, OnnxValue a, OnnxValue b, Func<double, double, double> f)
    {
        var shape = Shape.Broadcast(a.Shape, b.Shape) ?? throw c.Error($"shapes {Shape.Format(a.Shape)} and {Shape.Format(b.Shape)} do not broadcast");
        var ap = Shape.PadLeft(a.Shape, shape.Length);
        var bp = Shape.PadLeft(b.Shape, shape.Length);
        long[] aStrides = LayoutOps.Strides(ap), bStrides = LayoutOps.Strides(bp);
        int count = Shape.Count(shape);
        double[] av = Values(a), bv = Values(b), result = new double[count];
        var index = new int[shape.Length];
        for (int i = 0; i < count; i++)
        {
            long ai = 0, bi = 0;
            for (int d = 0; d < shape.Length; d++)
            {
                if (ap[d] != 1) ai += index[d] * aStrides[d];
                if (bp[d] != 1) bi += index[d] * bStrides[d];
            }
            result[i] = f(av[ai], bv[bi]);
            for (int d = shape.Length - 1; d >= 0 && ++index[d] == shape[d]; d--) index[d] = 0;
        }
        // Integer operands give an integer result; for Div that truncates toward zero, as ONNX's integer Div.
        return a.IsInteger && b.IsInteger
            ? OnnxValue.HostIntegers(result.Select(v => (long)Math.Truncate(v)).ToArray(), shape)
            : OnnxValue.HostFloats(result.Select(v => (float)v).ToArray(), shape);
    }

    private static double[] Values(OnnxValue v) => v.Integers is { } ints ? ints.Select(x => (double)x).ToArray() : v.HostFloatValues().Select(x => (double)x).ToArray();
}
