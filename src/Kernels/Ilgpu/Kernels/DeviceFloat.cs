using ILGPU;
using KernelGan.Kernels.Formulas;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>
/// One float in a kernel, with <see cref="DeviceMath"/>'s exp, log and pow (the same numbers, to
/// rounding, on every device): the number type the kernels run the shared pointwise formulas
/// (<see cref="UnaryFormulas"/>, <see cref="BinaryFormulas"/>) on. Masks are all bits set, as in SIMD.
/// </summary>
internal readonly struct DeviceFloat(float value) : IFloats<DeviceFloat>
{
    public readonly float Value = value;

    private static DeviceFloat Mask(bool condition) => new(condition ? Interop.IntAsFloat(0xFFFFFFFFu) : 0f);

    public static DeviceFloat Zero => new(0f);
    public static DeviceFloat Broadcast(float value) => new(value);

    public static DeviceFloat operator +(DeviceFloat a, DeviceFloat b) => new(a.Value + b.Value);
    public static DeviceFloat operator -(DeviceFloat a, DeviceFloat b) => new(a.Value - b.Value);
    public static DeviceFloat operator *(DeviceFloat a, DeviceFloat b) => new(a.Value * b.Value);
    public static DeviceFloat operator /(DeviceFloat a, DeviceFloat b) => new(a.Value / b.Value);
    public static DeviceFloat operator -(DeviceFloat a) => new(-a.Value);
    public static DeviceFloat operator &(DeviceFloat a, DeviceFloat b) => new(Interop.IntAsFloat(Interop.FloatAsInt(a.Value) & Interop.FloatAsInt(b.Value)));
    public static DeviceFloat operator |(DeviceFloat a, DeviceFloat b) => new(Interop.IntAsFloat(Interop.FloatAsInt(a.Value) | Interop.FloatAsInt(b.Value)));

    public static DeviceFloat MultiplyAdd(DeviceFloat a, DeviceFloat b, DeviceFloat c) => new(a.Value * b.Value + c.Value);

    public static DeviceFloat Min(DeviceFloat a, DeviceFloat b) => new(MathF.Min(a.Value, b.Value));
    public static DeviceFloat Max(DeviceFloat a, DeviceFloat b) => new(MathF.Max(a.Value, b.Value));
    public static DeviceFloat Abs(DeviceFloat a) => new(MathF.Abs(a.Value));
    public static DeviceFloat Sqrt(DeviceFloat a) => new(MathF.Sqrt(a.Value));
    public static DeviceFloat Exp(DeviceFloat a) => new(DeviceMath.Exp(a.Value));
    public static DeviceFloat Log(DeviceFloat a) => new(DeviceMath.Log(a.Value));
    public static DeviceFloat Pow(DeviceFloat x, DeviceFloat a) => new(DeviceMath.Pow(x.Value, a.Value));

    public static DeviceFloat CopySign(DeviceFloat value, DeviceFloat sign) =>
        new(Interop.IntAsFloat((Interop.FloatAsInt(value.Value) & 0x7FFFFFFFu) | (Interop.FloatAsInt(sign.Value) & 0x80000000u)));

    public static DeviceFloat GreaterThan(DeviceFloat a, DeviceFloat b) => Mask(a.Value > b.Value);
    public static DeviceFloat LessThan(DeviceFloat a, DeviceFloat b) => Mask(a.Value < b.Value);
    public static DeviceFloat LessThanOrEqual(DeviceFloat a, DeviceFloat b) => Mask(a.Value <= b.Value);
    public static DeviceFloat GreaterThanOrEqual(DeviceFloat a, DeviceFloat b) => Mask(a.Value >= b.Value);
    public static DeviceFloat Select(DeviceFloat mask, DeviceFloat ifTrue, DeviceFloat ifFalse) => Interop.FloatAsInt(mask.Value) != 0 ? ifTrue : ifFalse;
}
