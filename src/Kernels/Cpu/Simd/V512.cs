using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace KernelGan.Kernels.Cpu.Simd;

/// <summary>A 512-bit (AVX-512) register of floats (see <see cref="IVec{TSelf}"/>).</summary>
internal readonly unsafe struct V512 : IVec<V512>
{
    public readonly Vector512<float> Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public V512(Vector512<float> value) => Value = value;

    public static int Lanes => Vector512<float>.Count;
    public static V512 Zero => new(Vector512<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Broadcast(float value) => new(Vector512.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Load(float* source) => new(Vector512.Load(source));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(float* destination) => Vector512.Store(Value, destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 operator +(V512 a, V512 b) => new(a.Value + b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 operator -(V512 a, V512 b) => new(a.Value - b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 operator *(V512 a, V512 b) => new(a.Value * b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 operator /(V512 a, V512 b) => new(a.Value / b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 operator -(V512 a) => new(-a.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 operator &(V512 a, V512 b) => new(a.Value & b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 operator |(V512 a, V512 b) => new(a.Value | b.Value);

    // MultiplyAddEstimate: one fused instruction where the ISA has FMA; a software-emulated exact
    // FusedMultiplyAdd would be a per-lane call on an x64 machine without FMA.
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 MultiplyAdd(V512 a, V512 b, V512 c) => new(Vector512.MultiplyAddEstimate(a.Value, b.Value, c.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Min(V512 a, V512 b) => new(Vector512.Min(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Max(V512 a, V512 b) => new(Vector512.Max(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Abs(V512 a) => new(Vector512.Abs(a.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Sqrt(V512 a) => new(Vector512.Sqrt(a.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Exp(V512 a) => new(Vector512.Exp(a.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Log(V512 a) => new(Vector512.Log(a.Value));
    public static V512 Pow(V512 x, V512 a) => Lanewise.Pow(x, a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 CopySign(V512 value, V512 sign) => new(Vector512.CopySign(value.Value, sign.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 GreaterThan(V512 a, V512 b) => new(Vector512.GreaterThan(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 LessThan(V512 a, V512 b) => new(Vector512.LessThan(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 LessThanOrEqual(V512 a, V512 b) => new(Vector512.LessThanOrEqual(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 GreaterThanOrEqual(V512 a, V512 b) => new(Vector512.GreaterThanOrEqual(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Select(V512 mask, V512 ifTrue, V512 ifFalse) => new(Vector512.ConditionalSelect(mask.Value, ifTrue.Value, ifFalse.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public float Sum() => Vector512.Sum(Value);
}
