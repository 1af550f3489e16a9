namespace KernelGan.Kernels.Cpu;

/// <summary>
/// Per-thread scratch arrays for packed panels and layouts: pinned, grown on demand and kept, so
/// a training loop that repeats the same shapes allocates nothing after its first step.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    private static float* Scratch(ref float[]? slot, long length)
    {
        if (slot is null || slot.Length < length)
            slot = GC.AllocateUninitializedArray<float>((int)Math.Max(length, 1024), pinned: true);
        return (float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref slot[0]);
    }

    private static int* ScratchInts(ref int[]? slot, long length)
    {
        if (slot is null || slot.Length < length)
            slot = GC.AllocateUninitializedArray<int>((int)Math.Max(length, 256), pinned: true);
        return (int*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref slot[0]);
    }
}
