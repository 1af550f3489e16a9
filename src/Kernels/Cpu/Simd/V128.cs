using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace KernelGan.Kernels.Cpu.Simd;

/// <summary>A 128-bit (NEON on ARM64, SSE on x64 without AVX2) register of floats (see <see cref="IVec{TSelf}"/>).</summary>
internal readonly unsafe struct V128 : IVec<V128>
{
    public readonly Vector128<float> Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public V128(Vector128<float> value) => Value = value;

    public static int Lanes => Vector128<float>.Count;
    public static V128 Zero => new(Vector128<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 Broadcast(float value) => new(Vector128.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 Load(float* source) => new(Vector128.Load(source));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(float* destination) => Vector128.Store(Value, destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 operator +(V128 a, V128 b) => new(a.Value + b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 operator -(V128 a, V128 b) => new(a.Value - b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 operator *(V128 a, V128 b) => new(a.Value * b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 operator /(V128 a, V128 b) => new(a.Value / b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 operator -(V128 a) => new(-a.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 operator &(V128 a, V128 b) => new(a.Value & b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 operator |(V128 a, V128 b) => new(a.Value | b.Value);

    // MultiplyAddEstimate: one fused instruction where the ISA has FMA; a software-emulated exact
    // FusedMultiplyAdd would be a per-lane call on an x64 machine without FMA.
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 MultiplyAdd(V128 a, V128 b, V128 c) => new(Vector128.MultiplyAddEstimate(a.Value, b.Value, c.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 Min(V128 a, V128 b) => new(Vector128.Min(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 Max(V128 a, V128 b) => new(Vector128.Max(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 Abs(V128 a) => new(Vector128.Abs(a.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 Sqrt(V128 a) => new(Vector128.Sqrt(a.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 Exp(V128 a) => new(Vector128.Exp(a.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 Log(V128 a) => new(Vector128.Log(a.Value));
    public static V128 Pow(V128 x, V128 a) => Lanewise.Pow(x, a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 CopySign(V128 value, V128 sign) => new(Vector128.CopySign(value.Value, sign.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 GreaterThan(V128 a, V128 b) => new(Vector128.GreaterThan(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 LessThan(V128 a, V128 b) => new(Vector128.LessThan(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 LessThanOrEqual(V128 a, V128 b) => new(Vector128.LessThanOrEqual(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 GreaterThanOrEqual(V128 a, V128 b) => new(Vector128.GreaterThanOrEqual(a.Value, b.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 Select(V128 mask, V128 ifTrue, V128 ifFalse) => new(Vector128.ConditionalSelect(mask.Value, ifTrue.Value, ifFalse.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public float Sum() => Vector128.Sum(Value);
}
