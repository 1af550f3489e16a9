using KernelGan.Kernels;
using KernelGan.Kernels.Cpu;

namespace KernelGan.Bench.Infrastructure;

/// <summary>CPU buffers filled with reproducible values for the benchmarks.</summary>
public static class Buffers
{
    public static IBackend Cpu => CpuBackend.Instance;

    public static DeviceBuffer Random(int length, int seed, float lo = -1f, float hi = 1f)
    {
        var buffer = Cpu.Allocate(length);
        var r = new Random(seed);
        var data = new float[length];
        for (int i = 0; i < length; i++) data[i] = lo + (hi - lo) * r.NextSingle();
        Cpu.Upload(data, buffer);
        return buffer;
    }

    public static DeviceBuffer Constant(int length, float value)
    {
        var buffer = Cpu.Allocate(length);
        Cpu.Fill(buffer, 0, length, value);
        return buffer;
    }

    public static void Release(params DeviceBuffer?[] buffers)
    {
        foreach (var b in buffers) b?.Release();
    }
}
