namespace KernelGan;

/// <summary>Arithmetic operators and method shortcuts, so model code reads like the math.</summary>
public sealed partial class Tensor
{
    public static Tensor operator +(Tensor a, Tensor b) => Ops.Add(a, b);
    public static Tensor operator -(Tensor a, Tensor b) => Ops.Sub(a, b);
    public static Tensor operator *(Tensor a, Tensor b) => Ops.Mul(a, b);
    public static Tensor operator /(Tensor a, Tensor b) => Ops.Div(a, b);
    public static Tensor operator -(Tensor a) => Ops.Neg(a);
    public static Tensor operator +(Tensor a, float s) => Ops.Affine(a, 1f, s);
    public static Tensor operator +(float s, Tensor a) => Ops.Affine(a, 1f, s);
    public static Tensor operator -(Tensor a, float s) => Ops.Affine(a, 1f, -s);
    public static Tensor operator -(float s, Tensor a) => Ops.Affine(a, -1f, s);
    public static Tensor operator *(Tensor a, float s) => Ops.Affine(a, s, 0f);
    public static Tensor operator *(float s, Tensor a) => Ops.Affine(a, s, 0f);
    public static Tensor operator /(Tensor a, float s) => Ops.Affine(a, 1f / s, 0f);

    public Tensor Exp() => Ops.Exp(this);
    public Tensor Log() => Ops.Log(this);
    public Tensor Abs() => Ops.Abs(this);
    public Tensor Sigmoid() => Ops.Sigmoid(this);
    public Tensor Tanh() => Ops.Tanh(this);
    public Tensor Relu() => Ops.Relu(this);
    public Tensor Sum() => Ops.Sum(this);
    public Tensor Mean() => Ops.Mean(this);
    public Tensor Sum(int[] axes, bool keepDims = false) => Ops.Sum(this, axes, keepDims);
    public Tensor Mean(int[] axes, bool keepDims = false) => Ops.Mean(this, axes, keepDims);
    public Tensor Reshape(params int[] shape) => Ops.Reshape(this, shape);
}
