using KernelGan.Kernels;

namespace KernelGan;

public static partial class Ops
{
    public static Tensor Unary(UnaryOp op, Tensor x, float a = 0f, float b = 0f)
    {
        var y = Tensor.Empty(x.Shape, x.Backend);
        x.Backend.Unary(op, x.Buffer, y.Buffer, x.Count, a, b);
        return Tensor.Record(op.ToString(), y, [x], gy =>
        {
            var gx = Tensor.Empty(x.Shape, x.Backend);
            x.Backend.UnaryBackward(op, x.Buffer, y.Buffer, gy.Buffer, gx.Buffer, x.Count, a, b);
            return [gx];
        });
    }

    public static Tensor Neg(Tensor x) => Unary(UnaryOp.Affine, x, -1f, 0f);
    public static Tensor Exp(Tensor x) => Unary(UnaryOp.Exp, x);
    public static Tensor Log(Tensor x) => Unary(UnaryOp.Log, x);
    public static Tensor Sqrt(Tensor x) => Unary(UnaryOp.Sqrt, x);
    public static Tensor Abs(Tensor x) => Unary(UnaryOp.Abs, x);
    public static Tensor Square(Tensor x) => Unary(UnaryOp.Square, x);
    public static Tensor Reciprocal(Tensor x) => Unary(UnaryOp.Reciprocal, x);
    public static Tensor Relu(Tensor x) => Unary(UnaryOp.Relu, x);
    public static Tensor LeakyRelu(Tensor x, float slope = 0.2f) => Unary(UnaryOp.LeakyRelu, x, slope);
    public static Tensor Sigmoid(Tensor x) => Unary(UnaryOp.Sigmoid, x);
    public static Tensor Tanh(Tensor x) => Unary(UnaryOp.Tanh, x);
    public static Tensor Softplus(Tensor x) => Unary(UnaryOp.Softplus, x);
    public static Tensor Clamp(Tensor x, float lo, float hi) => Unary(UnaryOp.Clamp, x, lo, hi);
    public static Tensor Pow(Tensor x, float exponent) => Unary(UnaryOp.Pow, x, exponent);

    /// <summary>scale * x + shift.</summary>
    public static Tensor Affine(Tensor x, float scale, float shift) => Unary(UnaryOp.Affine, x, scale, shift);

    public static Tensor Binary(BinaryOp op, Tensor a, Tensor b)
    {
        string name = op.ToString().ToLowerInvariant();
        var backend = SameBackend(name, a, b);
        var yShape = Shape.Broadcast(a.Shape, b.Shape)
            ?? throw new ShapeException($"{name}: shapes {F(a.Shape)} and {F(b.Shape)} do not broadcast");
        var aShape = Shape.PadLeft(a.Shape, yShape.Length);
        var bShape = Shape.PadLeft(b.Shape, yShape.Length);
        if (yShape.Length > BroadcastPlan.MaxRank)
            throw new ShapeException($"{name}: rank {yShape.Length} is above the supported {BroadcastPlan.MaxRank}");
        var y = Tensor.Empty(yShape, backend);
        backend.Binary(op, a.Buffer, aShape, b.Buffer, bShape, y.Buffer, yShape);
        return Tensor.Record(name, y, [a, b], gy =>
        {
            Tensor? ga = null, gb = null;
            if (op is BinaryOp.Add or BinaryOp.Sub)
            {
                if (a.RequiresGrad) ga = SumTo(gy, a.Shape);
                if (b.RequiresGrad) gb = op == BinaryOp.Add ? SumTo(gy, b.Shape) : NegatedSumTo(gy, b.Shape);
                return [ga, gb];
            }
            Tensor? fullA = a.RequiresGrad ? Tensor.Empty(yShape, backend) : null;
            Tensor? fullB = b.RequiresGrad ? Tensor.Empty(yShape, backend) : null;
            backend.BinaryBackward(op, a.Buffer, aShape, b.Buffer, bShape, gy.Buffer, yShape, fullA?.Buffer, fullB?.Buffer);
            if (fullA is not null) { ga = SumTo(fullA, a.Shape); if (!ReferenceEquals(ga, fullA)) fullA.Dispose(); }
            if (fullB is not null) { gb = SumTo(fullB, b.Shape); if (!ReferenceEquals(gb, fullB)) fullB.Dispose(); }
            return [ga, gb];
        });
    }

    private static Tensor NegatedSumTo(Tensor g, int[] shape)
    {
        var reduced = SumTo(g, shape);
        var y = Tensor.Empty(shape, g.Backend);
        g.Backend.Unary(UnaryOp.Affine, reduced.Buffer, y.Buffer, y.Count, -1f, 0f);
        if (!ReferenceEquals(reduced, g)) reduced.Dispose();
        return y;
    }

    public static Tensor Add(Tensor a, Tensor b) => Binary(BinaryOp.Add, a, b);
    public static Tensor Sub(Tensor a, Tensor b) => Binary(BinaryOp.Sub, a, b);
    public static Tensor Mul(Tensor a, Tensor b) => Binary(BinaryOp.Mul, a, b);
    public static Tensor Div(Tensor a, Tensor b) => Binary(BinaryOp.Div, a, b);
    public static Tensor Minimum(Tensor a, Tensor b) => Binary(BinaryOp.Min, a, b);
    public static Tensor Maximum(Tensor a, Tensor b) => Binary(BinaryOp.Max, a, b);
}
