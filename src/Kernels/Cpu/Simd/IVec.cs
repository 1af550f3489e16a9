using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace KernelGan.Kernels.Cpu.Simd;

/// <summary>
/// One SIMD register of floats, whatever its width. Kernels are written once, generic over this
/// interface, and instantiated for <see cref="V512"/>, <see cref="V256"/> or <see cref="V128"/> by
/// <see cref="SimdPath"/>: the JIT specialises a generic method per struct type and keeps these
/// single-field structs in registers (checked with DOTNET_JitDisasm: the same instructions as
/// hand-written Vector256 code), so one formula serves AVX-512, AVX2 and NEON/SSE.
/// </summary>
internal unsafe interface IVec<TSelf> where TSelf : unmanaged, IVec<TSelf>
{
    /// <summary>Floats per register: a JIT-time constant for each struct.</summary>
    static abstract int Lanes { get; }

    static abstract TSelf Zero { get; }
    static abstract TSelf Broadcast(float value);
    static abstract TSelf Load(float* source);
    void Store(float* destination);

    static abstract TSelf operator +(TSelf a, TSelf b);
    static abstract TSelf operator -(TSelf a, TSelf b);
    static abstract TSelf operator *(TSelf a, TSelf b);
    static abstract TSelf operator /(TSelf a, TSelf b);
    static abstract TSelf operator -(TSelf a);
    static abstract TSelf operator &(TSelf a, TSelf b);
    static abstract TSelf operator |(TSelf a, TSelf b);

    /// <summary>a * b + c, fused where the hardware has FMA (AVX2 machines, NEON), else multiply then add.</summary>
    static abstract TSelf MultiplyAdd(TSelf a, TSelf b, TSelf c);

    static abstract TSelf Min(TSelf a, TSelf b);
    static abstract TSelf Max(TSelf a, TSelf b);
    static abstract TSelf Abs(TSelf a);
    static abstract TSelf Sqrt(TSelf a);
    static abstract TSelf Exp(TSelf a);
    static abstract TSelf Log(TSelf a);
    static abstract TSelf CopySign(TSelf value, TSelf sign);

    /// <summary>All bits set in lanes where a &gt; b, zero elsewhere.</summary>
    static abstract TSelf GreaterThan(TSelf a, TSelf b);
    static abstract TSelf LessThan(TSelf a, TSelf b);
    static abstract TSelf LessThanOrEqual(TSelf a, TSelf b);
    static abstract TSelf GreaterThanOrEqual(TSelf a, TSelf b);
    static abstract TSelf Select(TSelf mask, TSelf ifTrue, TSelf ifFalse);

    /// <summary>Sum of the lanes.</summary>
    float Sum();
}

/// <summary>Fixed-size copies for the packers, in the widest registers the path has (JIT-time branches).</summary>
internal static unsafe class Vec
{
    /// <summary>Copies 16 floats (half a GEMM strip row) in the widest registers the path has.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy16(float* src, float* dst)
    {
        if (Vector512.IsHardwareAccelerated) Vector512.Load(src).Store(dst);
        else
        {
            Copy8(src, dst);
            Copy8(src + 8, dst + 8);
        }
    }

    /// <summary>Copies 8 floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy8(float* src, float* dst)
    {
        if (Vector256.IsHardwareAccelerated) Vector256.Load(src).Store(dst);
        else
        {
            Vector128.Load(src).Store(dst);
            Vector128.Load(src + 4).Store(dst + 4);
        }
    }

    /// <summary>Zeroes 16 floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Zero16(float* dst)
    {
        if (Vector512.IsHardwareAccelerated) Vector512<float>.Zero.Store(dst);
        else if (Vector256.IsHardwareAccelerated) { Vector256<float>.Zero.Store(dst); Vector256<float>.Zero.Store(dst + 8); }
        else for (int i = 0; i < 16; i += 4) Vector128<float>.Zero.Store(dst + i);
    }
}
