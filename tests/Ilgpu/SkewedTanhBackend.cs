using KernelGan.Kernels;
using KernelGan.Kernels.Cpu;

namespace KernelGan.Tests.Ilgpu;

/// <summary>The CPU backend with a deliberately wrong Tanh: proves the comparison suite notices errors.</summary>
internal sealed class SkewedTanhBackend() : DelegatingBackend(new CpuBackend())
{
    public override string Name => "skewed-tanh";

    public override void Unary(UnaryOp op, DeviceBuffer x, DeviceBuffer y, int n, float a = 0, float b = 0)
    {
        base.Unary(op, x, y, n, a, b);
        if (op == UnaryOp.Tanh) base.Unary(UnaryOp.Affine, y, y, n, 1f, 1e-3f);
    }
}
