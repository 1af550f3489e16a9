using ILGPU;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>
/// Index helpers for grid-stride loops: a launch covers any problem size with however many groups
/// the host chose (few on the CPU simulator, enough to fill every SM on a GPU).
/// </summary>
internal static class GridStride
{
    /// <summary>This thread's first index in a 1-D grid-stride loop.</summary>
    public static int Start => Grid.GlobalIndex.X;

    /// <summary>Threads in the whole 1-D grid: the loop step.</summary>
    public static int Step => Grid.DimX * Group.DimX;
}
