using ILGPU;
using ILGPU.Runtime;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>Fused kernels of the layered GAN: compositing, the CLUB row-L1 statistic, row gather/scatter.</summary>
public sealed partial class IlgpuBackend
{
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, LayeredArgs>? _composite;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, ArrayView<float>, LayeredArgs>? _compositeBackward;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, LayeredArgs>? _rowL1;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, LayeredArgs>? _rowL1Backward;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<int>, ArrayView<float>, LayeredArgs>? _gather, _scatterAdd;

    public void Composite(DeviceBuffer m, DeviceBuffer fg, DeviceBuffer bg, DeviceBuffer y, int n, int c, int hw)
    {
        long total = (long)n * c * hw;
        if (total <= 0) return;
        Launch(ref _composite, LayeredKernels.Composite)(_stream, Linear(total), View(m), View(fg), View(bg), View(y),
            new LayeredArgs(n, c, hw, 0, 0));
    }

    public void CompositeBackward(DeviceBuffer m, DeviceBuffer fg, DeviceBuffer bg, DeviceBuffer gy,
                                  DeviceBuffer? gm, DeviceBuffer? gfg, DeviceBuffer? gbg, int n, int c, int hw)
    {
        long total = (long)n * hw;
        if (total <= 0) return;
        int outputs = (gm is null ? 0 : 1) | (gfg is null ? 0 : 2) | (gbg is null ? 0 : 4);
        if (outputs == 0) return;
        Launch(ref _compositeBackward, LayeredKernels.CompositeBackward)(_stream, Linear(total),
            View(m), View(fg), View(bg), View(gy), ViewOrAbsent(gm), ViewOrAbsent(gfg), ViewOrAbsent(gbg),
            new LayeredArgs(n, c, hw, outputs, 0));
    }

    public void RowL1Distance(DeviceBuffer x, DeviceBuffer y, IndexBuffer? perm, DeviceBuffer output, int n, int d)
    {
        if (n <= 0) return;
        int slices = SlicesFor(n, d, minimumSlice: 8 * GroupSize);
        var partials = slices == 1 ? null : Scratch((long)n * slices);
        Launch(ref _rowL1, LayeredKernels.RowL1Distance)(_stream, GroupPerItem(n * slices), View(x), View(y), IndicesOrAbsent(perm),
            partials?.View ?? View(output), new LayeredArgs(n, 0, d, 0, perm is null ? 0 : 1, slices));
        if (partials is null) return;
        // Few long rows (one per sample): the slices' sums are added, then divided by d.
        ReduceSum(partials, output, n, slices, 1);
        Unary(UnaryOp.Affine, output, output, n, 1f / d, 0f);
        partials.Release();
    }

    public void RowL1DistanceBackward(DeviceBuffer x, DeviceBuffer y, IndexBuffer? perm, DeviceBuffer gOutput,
                                      DeviceBuffer? gx, DeviceBuffer? gy, int n, int d)
    {
        long total = (long)n * d;
        int outputs = (gx is null ? 0 : 1) | (gy is null ? 0 : 2);
        if (total <= 0 || outputs == 0) return;
        Launch(ref _rowL1Backward, LayeredKernels.RowL1DistanceBackward)(_stream, Linear(total),
            View(x), View(y), IndicesOrAbsent(perm), View(gOutput), ViewOrAbsent(gx), ViewOrAbsent(gy),
            new LayeredArgs(n, 0, d, outputs, perm is null ? 0 : 1));
    }

    public void GatherRows(DeviceBuffer x, IndexBuffer index, DeviceBuffer y, int rows, int rowLength)
    {
        long total = (long)rows * rowLength;
        if (total <= 0) return;
        Launch(ref _gather, LayeredKernels.GatherRows)(_stream, Linear(total), View(x), Indices(index), View(y),
            new LayeredArgs(rows, 0, rowLength, 0, 0));
    }

    public void ScatterAddRows(DeviceBuffer gy, IndexBuffer index, DeviceBuffer gx, int rows, int sourceRows, int rowLength)
    {
        if ((long)sourceRows * rowLength > 0) Fill(gx, 0, sourceRows * rowLength, 0f);
        long total = (long)rows * rowLength;
        if (total <= 0) return;
        Launch(ref _scatterAdd, LayeredKernels.ScatterAddRows)(_stream, Linear(total), View(gy), Indices(index), View(gx),
            new LayeredArgs(rows, 0, rowLength, 0, 0));
    }
}
