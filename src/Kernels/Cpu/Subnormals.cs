using System.Numerics;

namespace KernelGan.Kernels.Cpu;

/// <summary>
/// Denormals-are-zero for the convolutions' operands, in software. An x86 core multiplies a
/// subnormal float (nonzero, below 2^-126) through a microcode assist of a hundred cycles or more
/// unless the DAZ/FTZ bits of MXCSR are set, and .NET has no way to set them. Training produces
/// such values: once ILSGAN's mask saturates, the gradient reaching the generator's last layer is
/// m * gy where m = sigmoid(logit) underflows (5-7% of that tensor late in the README's main job),
/// and that one transposed convolution ran 40x slower than on a fresh model, taking the whole GAN
/// step from 55 to 30 steps/s on AVX2 (bench/results/cpu-denormals-2026-11-30.md, found with
/// `kernelgan bench profile --run DIR --denormals`). A value below 2^-126 changes no sum of
/// normal-sized products, so reading it as 0 changes nothing a model can notice.
/// </summary>
internal static unsafe class Subnormals
{
    private const uint ExponentBits = 0x7F80_0000, MagnitudeBits = 0x7FFF_FFFF;

    /// <summary>Whether any of the n floats at p is subnormal (one read pass, memory-bound).</summary>
    public static bool Any(float* p, long n)
    {
        var bits = (uint*)p;
        long i = 0;
        var exponent = new Vector<uint>(ExponentBits);
        var magnitude = new Vector<uint>(MagnitudeBits);
        var found = Vector<uint>.Zero;
        for (; i + Vector<uint>.Count <= n; i += Vector<uint>.Count)
        {
            var v = Vector.Load(bits + i);
            // Exponent field 0 and a nonzero magnitude: subnormal (exact zeros are fine).
            found |= Vector.Equals(v & exponent, Vector<uint>.Zero) & ~Vector.Equals(v & magnitude, Vector<uint>.Zero);
        }
        if (found != Vector<uint>.Zero) return true;
        for (; i < n; i++)
            if ((bits[i] & ExponentBits) == 0 && (bits[i] & MagnitudeBits) != 0) return true;
        return false;
    }

    /// <summary>dst = src with every subnormal replaced by zero.</summary>
    public static void Flush(float* src, float* dst, long n)
    {
        var s = (uint*)src;
        var d = (uint*)dst;
        long i = 0;
        var exponent = new Vector<uint>(ExponentBits);
        for (; i + Vector<uint>.Count <= n; i += Vector<uint>.Count)
        {
            var v = Vector.Load(s + i);
            Vector.AndNot(v, Vector.Equals(v & exponent, Vector<uint>.Zero)).Store(d + i);
        }
        for (; i < n; i++) d[i] = (s[i] & ExponentBits) == 0 ? 0u : s[i];
    }
}

public sealed unsafe partial class CpuBackend
{
    /// <summary>
    /// A kernel's read-only operands with subnormals read as zero: each is the caller's own memory
    /// when it holds none, else a pooled copy with them flushed, released on dispose.
    /// </summary>
    private sealed class SubnormalFreeOperands(CpuBackend backend) : IDisposable
    {
        private List<DeviceBuffer>? _copies;

        public float* Of(DeviceBuffer buffer, long length)
        {
            float* p = Ptr(buffer);
            if (!Subnormals.Any(p, length)) return p;
            var copy = backend.Allocate((int)length);
            (_copies ??= []).Add(copy);
            float* flushed = Ptr(copy);
            Subnormals.Flush(p, flushed, length);
            return flushed;
        }

        public void Dispose()
        {
            if (_copies is null) return;
            foreach (var copy in _copies) copy.Release();
        }
    }
}
