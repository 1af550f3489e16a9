using ILGPU;
using ILGPU.Runtime.Cuda;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>
/// One warp-wide mma: D (16 x 8, fp32) = A (16 x K) B (K x 8) + C, K = 8 (TF32) or 16 (BF16), with
/// each lane holding the fragments PTX assigns it. On CUDA this is the mma.sync instruction;
/// elsewhere (ILGPU's CPU simulator) the warp emulates it: every lane writes its fragments to a
/// per-warp scratch in shared memory at the (row, col) the PTX ISA assigns them, and reads back the
/// sums for its accumulators. The layouts below are written out from the PTX ISA's "Matrix
/// Fragments for mma.m16n8k8" (.tf32) and "... mma.m16n8k16 with floating point type" (.bf16)
/// independently of how the kernel fills the fragments, so a kernel that loaded the wrong elements
/// into a lane would compute a wrong product here too, not only on a GPU.
/// </summary>
internal static class TensorMma
{
    /// <summary>Floats of scratch one warp's emulation needs: A as 16 x 16 and B as 16 x 8 (sized for BF16's K).</summary>
    public const int ScratchFloats = 16 * 16 + 16 * 8;

    public static Float4 Mma<TFormat>(Float4 c, uint a0, uint a1, uint a2, uint a3, uint b0, uint b1,
                                      ArrayView<float> warpScratch, int lane)
        where TFormat : struct, ITensorFormat
    {
        if (CudaAsm.IsSupported) return default(TFormat).Mma(c, a0, a1, a2, a3, b0, b1);
        return Emulate<TFormat>(c, a0, a1, a2, a3, b0, b1, warpScratch, lane);
    }

    private static Float4 Emulate<TFormat>(Float4 c, uint a0, uint a1, uint a2, uint a3, uint b0, uint b1,
                                           ArrayView<float> s, int lane)
        where TFormat : struct, ITensorFormat
    {
        var f = default(TFormat);
        int groupId = lane >> 2, inGroup = lane & 3;
        const int bAt = 16 * 16; // B[k, col] at bAt + k * 8 + col; A[row, k] at row * 16 + k
        if (f.KPerWord == 1)
        {
            // .tf32: row = groupID for a0, a2 and groupID + 8 for a1, a3;
            //        col = threadID_in_group for a0, a1 and threadID_in_group + 4 for a2, a3.
            s[groupId * 16 + inGroup] = f.Unpack(a0, 0);
            s[(groupId + 8) * 16 + inGroup] = f.Unpack(a1, 0);
            s[groupId * 16 + inGroup + 4] = f.Unpack(a2, 0);
            s[(groupId + 8) * 16 + inGroup + 4] = f.Unpack(a3, 0);
            // B: row = threadID_in_group for b0, threadID_in_group + 4 for b1; col = groupID.
            s[bAt + inGroup * 8 + groupId] = f.Unpack(b0, 0);
            s[bAt + (inGroup + 4) * 8 + groupId] = f.Unpack(b1, 0);
        }
        else
        {
            // .bf16, elements a0..a7 two per register (low half first):
            // row = groupID for a_i, i in {0,1,4,5}, groupID + 8 otherwise;
            // col = threadID_in_group * 2 + (i & 1), plus 8 for i >= 4.
            for (int h = 0; h < 2; h++)
            {
                int col = inGroup * 2 + h;
                s[groupId * 16 + col] = f.Unpack(a0, h);
                s[(groupId + 8) * 16 + col] = f.Unpack(a1, h);
                s[groupId * 16 + col + 8] = f.Unpack(a2, h);
                s[(groupId + 8) * 16 + col + 8] = f.Unpack(a3, h);
                // B: b0..b3 two per register: row = threadID_in_group * 2 + (i & 1), plus 8 for i >= 2; col = groupID.
                s[bAt + col * 8 + groupId] = f.Unpack(b0, h);
                s[bAt + (col + 8) * 8 + groupId] = f.Unpack(b1, h);
            }
        }
        Warp.Barrier();
        // Accumulators (both shapes): row = groupID for c0, c1 and groupID + 8 for c2, c3;
        // col = threadID_in_group * 2 + (i & 1).
        int depth = 8 * f.KPerWord, top = groupId * 16, bottom = (groupId + 8) * 16, left = 2 * inGroup;
        float d0 = c.X, d1 = c.Y, d2 = c.Z, d3 = c.W;
        for (int k = 0; k < depth; k++)
        {
            float bl = s[bAt + k * 8 + left], br = s[bAt + k * 8 + left + 1];
            // Products of two TF32 or BF16 values are exact in fp32; only the sums round.
            d0 += s[top + k] * bl;
            d1 += s[top + k] * br;
            d2 += s[bottom + k] * bl;
            d3 += s[bottom + k] * br;
        }
        // The next mma overwrites the scratch: every lane must have read it first.
        Warp.Barrier();
        return new Float4 { X = d0, Y = d1, Z = d2, W = d3 };
    }
}
