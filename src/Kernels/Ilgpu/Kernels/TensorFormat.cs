using ILGPU;
using ILGPU.Runtime.Cuda;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>
/// A tensor-core input format, as a compile-time struct (ILGPU specializes the GEMM per format).
/// The tensor-core GEMM keeps its tiles in shared memory as 32-bit words: one TF32 value, or two
/// BF16 values of consecutive k (the lower k in the low half, as PTX's fragments hold them).
/// One mma consumes 8 words of k per row in both formats (TF32 m16n8k8, BF16 m16n8k16), so the
/// word-level fragment layout, and with it the kernel, is the same for both.
/// </summary>
internal interface ITensorFormat
{
    /// <summary>k values per 32-bit word: 1 (TF32) or 2 (BF16).</summary>
    int KPerWord { get; }

    /// <summary>The word holding <paramref name="low"/> (k) and, for BF16, <paramref name="high"/> (k + 1), each rounded to the format.</summary>
    uint Pack(float low, float high);

    /// <summary>Value <paramref name="half"/> (0 or 1) of a packed word, as fp32 (exact: both formats are fp32 prefixes).</summary>
    float Unpack(uint word, int half);

    /// <summary>D = A B + C for one warp's 16 x 8 tile on the tensor cores (<see cref="TensorMma"/> holds the fragment layout).</summary>
    Float4 Mma(Float4 c, uint a0, uint a1, uint a2, uint a3, uint b0, uint b1);
}

/// <summary>TF32 inputs, mma.m16n8k8: rounded by cvt.rna.tf32.f32 on CUDA, by <see cref="ReducedFloat.Tf32Bits"/> elsewhere.</summary>
internal struct Tf32Format : ITensorFormat
{
    public readonly int KPerWord => 1;

    public readonly uint Pack(float low, float high)
    {
        if (CudaAsm.IsSupported)
        {
            CudaAsm.Emit("cvt.rna.tf32.f32 %0, %1;", out uint rounded, low);
            return rounded;
        }
        return ReducedFloat.Tf32Bits(Interop.FloatAsInt(low));
    }

    public readonly float Unpack(uint word, int half) => Interop.IntAsFloat(word);

    public readonly Float4 Mma(Float4 c, uint a0, uint a1, uint a2, uint a3, uint b0, uint b1)
    {
        Ref<float> d0 = c.X, d1 = c.Y, d2 = c.Z, d3 = c.W;
        Input<uint> x0 = a0, x1 = a1, x2 = a2, x3 = a3, y0 = b0, y1 = b1;
        CudaAsm.EmitRef("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};",
            ref d0, ref d1, ref d2, ref d3, ref x0, ref x1, ref x2, ref x3, ref y0, ref y1);
        return new Float4 { X = d0.Value, Y = d1.Value, Z = d2.Value, W = d3.Value };
    }
}

/// <summary>
/// BF16 inputs, mma.m16n8k16. Rounded with integer operations on every backend (a few ALU
/// instructions per element at tile-load time, the same bits cvt.rn.bf16x2.f32 would give).
/// </summary>
internal struct Bf16Format : ITensorFormat
{
    public readonly int KPerWord => 2;

    public readonly uint Pack(float low, float high) =>
        (ReducedFloat.Bf16Bits(Interop.FloatAsInt(low)) >> 16) | ReducedFloat.Bf16Bits(Interop.FloatAsInt(high));

    public readonly float Unpack(uint word, int half) => Interop.IntAsFloat(half == 0 ? word << 16 : word & 0xFFFF0000u);

    public readonly Float4 Mma(Float4 c, uint a0, uint a1, uint a2, uint a3, uint b0, uint b1)
    {
        Ref<float> d0 = c.X, d1 = c.Y, d2 = c.Z, d3 = c.W;
        Input<uint> x0 = a0, x1 = a1, x2 = a2, x3 = a3, y0 = b0, y1 = b1;
        CudaAsm.EmitRef("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};",
            ref d0, ref d1, ref d2, ref d3, ref x0, ref x1, ref x2, ref x3, ref y0, ref y1);
        return new Float4 { X = d0.Value, Y = d1.Value, Z = d2.Value, W = d3.Value };
    }
}
