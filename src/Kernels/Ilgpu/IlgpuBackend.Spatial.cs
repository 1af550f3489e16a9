using ILGPU;
using ILGPU.Runtime;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>Translation, nearest/bilinear resize and average pooling.</summary>
public sealed partial class IlgpuBackend
{
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<int>, SpatialArgs>? _translate;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, SpatialArgs>?
        _nearest, _nearestBackward, _bilinear, _bilinearBackward, _avgPool, _avgPoolBackward;

    public void Translate(DeviceBuffer x, DeviceBuffer y, int n, int c, int h, int w, IndexBuffer dx, IndexBuffer dy)
    {
        long total = (long)n * c * h * w;
        if (total <= 0) return;
        Launch(ref _translate, SpatialKernels.Translate)(_stream, Linear(total), View(x), View(y), Indices(dx), Indices(dy),
            new SpatialArgs(n * c, c, h, w, h, w, 1, 1, 0));
    }

    public void UpsampleNearest(DeviceBuffer x, DeviceBuffer y, int n, int c, int h, int w, int factor)
    {
        long total = (long)n * c * h * factor * w * factor;
        if (total <= 0) return;
        Launch(ref _nearest, SpatialKernels.UpsampleNearest)(_stream, Linear(total), View(x), View(y),
            new SpatialArgs(n * c, c, h, w, h * factor, w * factor, factor, 1, 0));
    }

    public void UpsampleNearestBackward(DeviceBuffer gy, DeviceBuffer gx, int n, int c, int h, int w, int factor)
    {
        long total = (long)n * c * h * w;
        if (total <= 0) return;
        Launch(ref _nearestBackward, SpatialKernels.UpsampleNearestBackward)(_stream, Linear(total), View(gy), View(gx),
            new SpatialArgs(n * c, c, h, w, h * factor, w * factor, factor, 1, 0));
    }

    public void UpsampleBilinear(DeviceBuffer x, DeviceBuffer y, int n, int c, int h, int w, int outH, int outW, bool alignCorners)
    {
        long total = (long)n * c * outH * outW;
        if (total <= 0) return;
        Launch(ref _bilinear, SpatialKernels.UpsampleBilinear)(_stream, Linear(total), View(x), View(y),
            new SpatialArgs(n * c, c, h, w, outH, outW, 1, 1, alignCorners ? 1 : 0));
    }

    public void UpsampleBilinearBackward(DeviceBuffer gy, DeviceBuffer gx, int n, int c, int h, int w, int outH, int outW, bool alignCorners)
    {
        long inputs = (long)n * c * h * w;
        if (inputs <= 0) return;
        Fill(gx, 0, (int)inputs, 0f);
        long total = (long)n * c * outH * outW;
        if (total <= 0) return;
        Launch(ref _bilinearBackward, SpatialKernels.UpsampleBilinearBackward)(_stream, Linear(total), View(gy), View(gx),
            new SpatialArgs(n * c, c, h, w, outH, outW, 1, 1, alignCorners ? 1 : 0));
    }

    public void AvgPool2d(DeviceBuffer x, DeviceBuffer y, int n, int c, int h, int w, int k, int stride)
    {
        int oh = (h - k) / stride + 1, ow = (w - k) / stride + 1;
        long total = (long)n * c * oh * ow;
        if (total <= 0) return;
        Launch(ref _avgPool, SpatialKernels.AvgPool)(_stream, Linear(total), View(x), View(y),
            new SpatialArgs(n * c, c, h, w, oh, ow, k, stride, 0));
    }

    public void AvgPool2dBackward(DeviceBuffer gy, DeviceBuffer gx, int n, int c, int h, int w, int k, int stride)
    {
        int oh = (h - k) / stride + 1, ow = (w - k) / stride + 1;
        long total = (long)n * c * h * w;
        if (total <= 0) return;
        Launch(ref _avgPoolBackward, SpatialKernels.AvgPoolBackward)(_stream, Linear(total), View(gy), View(gx),
            new SpatialArgs(n * c, c, h, w, oh, ow, k, stride, 0));
    }
}
