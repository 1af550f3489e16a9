using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace KernelGan.Kernels.Cpu.Simd;

/// <summary>
/// The few register operations of the GEMM micro-kernel, over the intrinsic vector type itself
/// (<typeparamref name="TR"/> is Vector512&lt;float&gt;, Vector256&lt;float&gt; or
/// Vector128&lt;float&gt;) rather than over an <see cref="IVec{TSelf}"/> wrapper struct. The
/// micro-kernel keeps 12-16 accumulators live across its loop, and with the wrapper the JIT (.NET 10)
/// gave 5 of the AVX2 6 x 2 block's 12 FMAs the form `vfmadd213ps` into the broadcast register plus a
/// `vmovaps` back to the accumulator (`DOTNET_JitDisasm`); over the bare vector type every FMA is one
/// `vfmadd231ps` into its accumulator. Measured in turns in one process on a Zen 3 (AVX2):
/// GEMM 1024^3 +12% on two cores, +20% on one; the main job's step -5%; ref64's step -9%.
/// The other kernels keep <see cref="IVec{TSelf}"/>: they hold few values live and compile cleanly.
/// </summary>
internal unsafe interface IFloatRegisters<TR> where TR : unmanaged
{
    static abstract int Lanes { get; }
    static abstract TR Zero { get; }
    static abstract TR Load(float* source);
    static abstract void Store(TR value, float* destination);
    static abstract TR Broadcast(float value);

    /// <summary>*source in every lane, as one broadcast load where the ISA has it.</summary>
    static abstract TR BroadcastLoad(float* source);

    static abstract TR Multiply(TR a, TR b);

    /// <summary>a * b + c: one fused instruction where the ISA has FMA (MultiplyAddEstimate).</summary>
    static abstract TR MultiplyAdd(TR a, TR b, TR c);
}

internal readonly unsafe struct Registers512 : IFloatRegisters<Vector512<float>>
{
    public static int Lanes => Vector512<float>.Count;
    public static Vector512<float> Zero => Vector512<float>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Load(float* source) => Vector512.Load(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector512<float> value, float* destination) => value.Store(destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Broadcast(float value) => Vector512.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> BroadcastLoad(float* source) => Vector512.Create(*source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.MultiplyAddEstimate(a, b, c);
}

internal readonly unsafe struct Registers256 : IFloatRegisters<Vector256<float>>
{
    public static int Lanes => Vector256<float>.Count;
    public static Vector256<float> Zero => Vector256<float>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Load(float* source) => Vector256.Load(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector256<float> value, float* destination) => value.Store(destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Broadcast(float value) => Vector256.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> BroadcastLoad(float* source) => Vector256.Create(*source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.MultiplyAddEstimate(a, b, c);
}

internal readonly unsafe struct Registers128 : IFloatRegisters<Vector128<float>>
{
    public static int Lanes => Vector128<float>.Count;
    public static Vector128<float> Zero => Vector128<float>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Load(float* source) => Vector128.Load(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector128<float> value, float* destination) => value.Store(destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Broadcast(float value) => Vector128.Create(value);

    /// <summary>
    /// With AVX2 off (`DOTNET_EnableAVX2=0`, the SSE path), the JIT (.NET 10) compiles
    /// Vector128.Create(*source) to a scalar load and a `vpermilps`, a shuffle on the FP pipes beside
    /// the block's multiplies and adds; AVX's `vbroadcastss xmm, m32` is a load alone.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> BroadcastLoad(float* source) =>
        Avx.IsSupported ? Avx.BroadcastScalarToVector128(source) : Vector128.Create(*source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Multiply(Vector128<float> a, Vector128<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Vector128.MultiplyAddEstimate(a, b, c);
}
