namespace KernelGan.Kernels;

/// <summary>
/// Shape of a 2-D convolution: input [N, Cin, Hin, Win], weight [Cout, Cin, Kh, Kw],
/// output [N, Cout, Hout, Wout]. A transposed convolution uses the same geometry with the roles
/// of input and output swapped (its forward pass is this convolution's data gradient), so one
/// geometry and three kernels serve both layers.
/// </summary>
public readonly record struct ConvGeometry(
    int N, int Cin, int Hin, int Win, int Cout, int Kh, int Kw,
    int StrideH, int StrideW, int PadH, int PadW)
{
    public int Hout => (Hin + 2 * PadH - Kh) / StrideH + 1;
    public int Wout => (Win + 2 * PadW - Kw) / StrideW + 1;
    public int InputSize => N * Cin * Hin * Win;
    public int OutputSize => N * Cout * Hout * Wout;
    public int WeightSize => Cout * Cin * Kh * Kw;

    /// <summary>Multiply-adds of one forward pass (each of the two backward passes costs the same).</summary>
    public long MacCount => (long)N * Cout * Hout * Wout * Cin * Kh * Kw;

    public static ConvGeometry Square(int n, int cin, int h, int cout, int k, int stride, int pad) =>
        new(n, cin, h, h, cout, k, k, stride, stride, pad, pad);

    public override string ToString() =>
        $"N={N} Cin={Cin} {Hin}x{Win} -> Cout={Cout} {Hout}x{Wout} k={Kh}x{Kw} s={StrideH},{StrideW} p={PadH},{PadW}";
}
