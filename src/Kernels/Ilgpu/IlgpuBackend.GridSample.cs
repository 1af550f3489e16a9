using ILGPU;
using ILGPU.Runtime;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>The spatial transformer: affine grids and bilinear grid sampling.</summary>
public sealed partial class IlgpuBackend
{
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, GridSampleArgs>? _affineGrid, _affineGridBackward;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, GridSampleArgs>? _gridSample;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, GridSampleArgs>? _gridSampleBackward;

    public void AffineGrid(DeviceBuffer theta, DeviceBuffer grid, int n, int h, int w, bool alignCorners)
    {
        long total = (long)n * h * w;
        if (total <= 0) return;
        Launch(ref _affineGrid, GridSampleKernels.AffineGrid)(_stream, Linear(total), View(theta), View(grid),
            new GridSampleArgs(n, 0, 0, 0, h, w, alignCorners ? 1 : 0, 0));
    }

    public void AffineGridBackward(DeviceBuffer ggrid, DeviceBuffer gtheta, int n, int h, int w, bool alignCorners)
    {
        if (n <= 0) return;
        Launch(ref _affineGridBackward, GridSampleKernels.AffineGridBackward)(_stream, GroupPerItem(n), View(ggrid), View(gtheta),
            new GridSampleArgs(n, 0, 0, 0, h, w, alignCorners ? 1 : 0, 0));
    }

    public void GridSample(DeviceBuffer x, DeviceBuffer grid, DeviceBuffer y, int n, int c, int hin, int win, int hout, int wout, bool alignCorners)
    {
        long total = (long)n * hout * wout;
        if (total <= 0 || c <= 0) return;
        Launch(ref _gridSample, GridSampleKernels.Sample)(_stream, Linear(total), View(x), View(grid), View(y),
            new GridSampleArgs(n, c, hin, win, hout, wout, alignCorners ? 1 : 0, 0));
    }

    public void GridSampleBackward(DeviceBuffer x, DeviceBuffer grid, DeviceBuffer gy, DeviceBuffer? gx, DeviceBuffer? ggrid,
                                   int n, int c, int hin, int win, int hout, int wout, bool alignCorners)
    {
        if (gx is not null && (long)n * c * hin * win > 0) Fill(gx, 0, n * c * hin * win, 0f);
        long total = (long)n * hout * wout;
        if (total <= 0 || (gx is null && ggrid is null)) return;
        int outputs = (gx is null ? 0 : 1) | (ggrid is null ? 0 : 2);
        Launch(ref _gridSampleBackward, GridSampleKernels.SampleBackward)(_stream, Linear(total),
            View(x), View(grid), View(gy), ViewOrAbsent(gx), ViewOrAbsent(ggrid),
            new GridSampleArgs(n, c, hin, win, hout, wout, alignCorners ? 1 : 0, outputs));
    }
}
