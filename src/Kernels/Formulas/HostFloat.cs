using System.Runtime.CompilerServices;

namespace KernelGan.Kernels.Formulas;

/// <summary>
/// One float on the host, with MathF's exp, log and pow: the reference the other types are checked
/// against (<see cref="Pointwise"/>) and the CPU kernels' scalar tails.
/// </summary>
internal readonly struct HostFloat(float value) : IFloats<HostFloat>
{
    public readonly float Value = value;

    private static HostFloat Mask(bool condition) => new(condition ? BitConverter.Int32BitsToSingle(-1) : 0f);
    private static int Bits(HostFloat x) => BitConverter.SingleToInt32Bits(x.Value);

    public static HostFloat Zero => new(0f);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static HostFloat Broadcast(float value) => new(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static HostFloat operator +(HostFloat a, HostFloat b) => new(a.Value + b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static HostFloat operator -(HostFloat a, HostFloat b) => new(a.Value - b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static HostFloat operator *(HostFloat a, HostFloat b) => new(a.Value * b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static HostFloat operator /(HostFloat a, HostFloat b) => new(a.Value / b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static HostFloat operator -(HostFloat a) => new(-a.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static HostFloat operator &(HostFloat a, HostFloat b) => new(BitConverter.Int32BitsToSingle(Bits(a) & Bits(b)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static HostFloat operator |(HostFloat a, HostFloat b) => new(BitConverter.Int32BitsToSingle(Bits(a) | Bits(b)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static HostFloat MultiplyAdd(HostFloat a, HostFloat b, HostFloat c) => new(a.Value * b.Value + c.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static HostFloat Min(HostFloat a, HostFloat b) => new(MathF.Min(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static HostFloat Max(HostFloat a, HostFloat b) => new(MathF.Max(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static HostFloat Abs(HostFloat a) => new(MathF.Abs(a.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static HostFloat Sqrt(HostFloat a) => new(MathF.Sqrt(a.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static HostFloat Exp(HostFloat a) => new(MathF.Exp(a.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static HostFloat Log(HostFloat a) => new(MathF.Log(a.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static HostFloat Pow(HostFloat x, HostFloat a) => new(MathF.Pow(x.Value, a.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static HostFloat CopySign(HostFloat value, HostFloat sign) => new(MathF.CopySign(value.Value, sign.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static HostFloat GreaterThan(HostFloat a, HostFloat b) => Mask(a.Value > b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static HostFloat LessThan(HostFloat a, HostFloat b) => Mask(a.Value < b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static HostFloat LessThanOrEqual(HostFloat a, HostFloat b) => Mask(a.Value <= b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static HostFloat GreaterThanOrEqual(HostFloat a, HostFloat b) => Mask(a.Value >= b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static HostFloat Select(HostFloat mask, HostFloat ifTrue, HostFloat ifFalse) => Bits(mask) != 0 ? ifTrue : ifFalse;
}
