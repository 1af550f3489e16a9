using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace KernelGan.Kernels.Cpu.Simd;

/// <summary>A 256-bit (AVX2 + FMA) register of floats (see <see cref="IVec{TSelf}"/>).</summary>
internal readonly unsafe struct V256 : IVec<V256>
{
    public readonly Vector256<float> Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public V256(Vector256<float> value) => Value = value;

    public static int Lanes => Vector256<float>.Count;
    public static V256 Zero => new(Vector256<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Broadcast(float value) => new(Vector256.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Load(float* source) => new(Vector256.Load(source));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(float* destination) => Vector256.Store(Value, destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 operator +(V256 a, V256 b) => new(a.Value + b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 operator -(V256 a, V256 b) => new(a.Value - b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 operator *(V256 a, V256 b) => new(a.Value * b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 operator /(V256 a, V256 b) => new(a.Value / b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 operator -(V256 a) => new(-a.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 operator &(V256 a, V256 b) => new(a.Value & b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 operator |(V256 a, V256 b) => new(a.Value | b.Value);

    // MultiplyAddEstimate: one fused instruction where the ISA has FMA; a software-emulated exact
    // FusedMultiplyAdd would be a per-lane call on an x64 machine without FMA.
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 MultiplyAdd(V256 a, V256 b, V256 c) => new(Vector256.MultiplyAddEstimate(a.Value, b.Value, c.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Min(V256 a, V256 b) => new(Vector256.Min(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Max(V256 a, V256 b) => new(Vector256.Max(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Abs(V256 a) => new(Vector256.Abs(a.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Sqrt(V256 a) => new(Vector256.Sqrt(a.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Exp(V256 a) => new(Vector256.Exp(a.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Log(V256 a) => new(Vector256.Log(a.Value));
    public static V256 Pow(V256 x, V256 a) => Lanewise.Pow(x, a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 CopySign(V256 value, V256 sign) => new(Vector256.CopySign(value.Value, sign.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 GreaterThan(V256 a, V256 b) => new(Vector256.GreaterThan(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 LessThan(V256 a, V256 b) => new(Vector256.LessThan(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 LessThanOrEqual(V256 a, V256 b) => new(Vector256.LessThanOrEqual(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 GreaterThanOrEqual(V256 a, V256 b) => new(Vector256.GreaterThanOrEqual(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Select(V256 mask, V256 ifTrue, V256 ifFalse) => new(Vector256.ConditionalSelect(mask.Value, ifTrue.Value, ifFalse.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public float Sum() => Vector256.Sum(Value);
}
