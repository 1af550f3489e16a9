using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace KernelGan.Kernels.Cpu.Simd;

/// <summary>
/// Which vector path the CPU kernels take on this machine, fixed when the process starts:
/// 512-bit where the JIT accelerates Vector512 (AVX-512), else 256-bit (AVX2), else 128-bit (NEON
/// on ARM64, SSE on x64). Every hot kernel dispatches on the same three JIT-time constants, so the
/// untaken paths are compiled away. `DOTNET_EnableAVX512=0` forces the 256-bit path on an AVX-512
/// machine and `DOTNET_EnableAVX2=0` the 128-bit one (on .NET 10 `DOTNET_EnableAVX512F=0` no longer
/// has any effect), which is how CI runs every path on one machine.
/// </summary>
public static class SimdPath
{
    /// <summary>Register width in bits: 512, 256 or 128.</summary>
    public static int Width =>
        Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 128;

    /// <summary>
    /// 32 architectural vector registers (AVX-512's EVEX encoding, every ARM64) rather than 16
    /// (AVX2, SSE): decides how many GEMM accumulators fit without spills.
    /// </summary>
    public static bool HasWideRegisterFile => Avx512F.IsSupported || AdvSimd.Arm64.IsSupported;

    /// <summary>The path in words, as `devices`, every bench command and bench/results name it.</summary>
    public static string Name => Width switch
    {
        512 => "AVX-512",
        256 => Fma.IsSupported ? "AVX2+FMA" : "AVX2 (no FMA)",
        _ when AdvSimd.IsSupported => "NEON 128-bit",
        _ when Vector128.IsHardwareAccelerated => Fma.IsSupported ? "128-bit+FMA (x64)" : "SSE 128-bit",
        _ => "scalar",
    };
}
