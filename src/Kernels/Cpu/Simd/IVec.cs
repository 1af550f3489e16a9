using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using KernelGan.Kernels.Formulas;

namespace KernelGan.Kernels.Cpu.Simd;

/// <summary>
/// One SIMD register of floats, whatever its width (the arithmetic, math and masks are
/// <see cref="IFloats{TSelf}"/>'s, shared with the scalar types). Kernels are written once, generic over this
/// interface, and instantiated for <see cref="V512"/>, <see cref="V256"/> or <see cref="V128"/> by
/// <see cref="SimdPath"/>: the JIT specialises a generic method per struct type and keeps these
/// single-field structs in registers (checked with DOTNET_JitDisasm: the same instructions as
/// hand-written Vector256 code), so one formula serves AVX-512, AVX2 and NEON/SSE. Not so where a
/// loop keeps a dozen accumulators live: there the wrapper cost register copies, so the GEMM
/// micro-kernel uses <see cref="IFloatRegisters{TR}"/> over the bare vector types instead.
/// </summary>
internal unsafe interface IVec<TSelf> : IFloats<TSelf> where TSelf : unmanaged, IVec<TSelf>
{
    /// <summary>Floats per register: a JIT-time constant for each struct.</summary>
    static abstract int Lanes { get; }

    static abstract TSelf Load(float* source);
    void Store(float* destination);

    /// <summary>Sum of the lanes.</summary>
    float Sum();
}

/// <summary>Lane by lane, for what no vector instruction computes (the register types' <c>Pow</c>).</summary>
internal static unsafe class Lanewise
{
    /// <summary>MathF.Pow per lane, so a SIMD loop gives the scalar reference's numbers.</summary>
    public static TV Pow<TV>(TV x, TV a) where TV : unmanaged, IVec<TV>
    {
        float* xs = stackalloc float[TV.Lanes];
        float* exps = stackalloc float[TV.Lanes];
        x.Store(xs);
        a.Store(exps);
        for (int i = 0; i < TV.Lanes; i++) xs[i] = MathF.Pow(xs[i], exps[i]);
        return TV.Load(xs);
    }
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
