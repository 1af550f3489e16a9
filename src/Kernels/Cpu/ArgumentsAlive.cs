namespace KernelGan.Kernels.Cpu;

/// <summary>
/// Keeps a kernel's buffer arguments reachable until the kernel returns. A kernel works on raw
/// pointers, and in optimized code an argument is dead after its last use (the <c>Ptr(x)</c> at
/// the top), so a temporary such as <c>Tensor.Ones(2).Buffer</c> could otherwise be finalized,
/// and its block reused, while the kernel still runs. Every public CpuBackend method that takes
/// buffers begins with <c>using var alive = Alive(...)</c> naming all of them (a test checks).
/// </summary>
public readonly ref struct ArgumentsAlive
{
    private readonly DeviceBuffer? _a, _b, _c, _d, _e, _f, _g, _h;

    internal ArgumentsAlive(DeviceBuffer? a, DeviceBuffer? b, DeviceBuffer? c, DeviceBuffer? d,
                            DeviceBuffer? e, DeviceBuffer? f, DeviceBuffer? g, DeviceBuffer? h) =>
        (_a, _b, _c, _d, _e, _f, _g, _h) = (a, b, c, d, e, f, g, h);

    /// <summary>Runs in the <c>using</c>'s finally, after the kernel: the fields are live until here.</summary>
    public void Dispose()
    {
        GC.KeepAlive(_a);
        GC.KeepAlive(_b);
        GC.KeepAlive(_c);
        GC.KeepAlive(_d);
        GC.KeepAlive(_e);
        GC.KeepAlive(_f);
        GC.KeepAlive(_g);
        GC.KeepAlive(_h);
    }
}

public sealed partial class CpuBackend
{
    /// <summary>Keeps up to eight buffer arguments alive until the returned guard is disposed.</summary>
    internal static ArgumentsAlive Alive(DeviceBuffer? a, DeviceBuffer? b = null, DeviceBuffer? c = null, DeviceBuffer? d = null,
                                         DeviceBuffer? e = null, DeviceBuffer? f = null, DeviceBuffer? g = null, DeviceBuffer? h = null) =>
        new(a, b, c, d, e, f, g, h);
}
