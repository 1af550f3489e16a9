using KernelGan.Kernels;

namespace KernelGan.Gan.Models;

/// <summary>One convolution layer of the reference model, by name, with its conv geometry.</summary>
public sealed record ConvLayer(string Name, ConvGeometry Geometry)
{
    public override string ToString() => Name;

    /// <summary>FLOPs of one of the three conv kernels (all three do the same multiply-adds).</summary>
    public double Flops => 2.0 * Geometry.MacCount;
}

/// <summary>
/// The conv layers of ref64 (DESIGN.md), as the benchmarks time them (bench/ and `kernelgan bench
/// conv`). Generator layers are transposed convs, given by the geometry of the conv they are the
/// adjoint of: that conv's input is the ConvT's output, so the ConvT's forward pass is this conv's
/// data gradient and vice versa.
/// </summary>
public static class Ref64ConvLayers
{
    /// <summary>DESIGN.md's benchmark batch.</summary>
    public const int DefaultBatch = 32;

    public static IEnumerable<ConvLayer> Discriminator(int batch = DefaultBatch) =>
    [
        new("D1 3->32 64->32", ConvGeometry.Square(batch, 3, 64, 32, 4, 2, 1)),
        new("D2 32->64 32->16", ConvGeometry.Square(batch, 32, 32, 64, 4, 2, 1)),
        new("D3 64->128 16->8", ConvGeometry.Square(batch, 64, 16, 128, 4, 2, 1)),
        new("D4 128->256 8->4", ConvGeometry.Square(batch, 128, 8, 256, 4, 2, 1)),
        new("D5 256->1 4->1", ConvGeometry.Square(batch, 256, 4, 1, 4, 1, 0)),
    ];

    public static IEnumerable<ConvLayer> Generator(int batch = DefaultBatch) =>
    [
        Transposed("G1 128->256 1->4", batch, 128, 256, 1, 4, 1, 0),
        Transposed("G2 256->128 4->8", batch, 256, 128, 4, 4, 2, 1),
        Transposed("G3 128->64 8->16", batch, 128, 64, 8, 4, 2, 1),
        Transposed("G4 64->32 16->32", batch, 64, 32, 16, 4, 2, 1),
        Transposed("G5 32->4 32->64", batch, 32, 4, 32, 4, 2, 1),
    ];

    /// <summary>ConvT(cin -> cout) from size h, as the conv from cout channels at the output size back to cin at h.</summary>
    private static ConvLayer Transposed(string name, int batch, int cin, int cout, int h, int k, int stride, int pad)
    {
        int hout = (h - 1) * stride - 2 * pad + k;
        return new(name, ConvGeometry.Square(batch, cout, hout, cin, k, stride, pad));
    }
}
