namespace KernelGan.Kernels.Cpu;

/// <summary>
/// An A operand whose rows are channels of per-image planes and whose reduction index runs over
/// pixels: element (i, q) = src[i * plane + pixelOffsets[q]] (the output gradient in the weight
/// gradient). Packed a KC block at a time into MR-row strips.
/// </summary>
internal unsafe struct ChannelRowsPanel : IPanelSource
{
    private const int MR = GemmMicroKernel.MR;
    private readonly float* _src, _scratch;
    private readonly int* _pixelOffsets;
    private readonly int _m, _plane;
    private int _pc, _kc;

    /// <param name="scratch">Room for (m rounded up to MR) x KC floats.</param>
    public ChannelRowsPanel(float* src, int m, int plane, int* pixelOffsets, float* scratch)
    {
        _src = src; _m = m; _plane = plane; _pixelOffsets = pixelOffsets; _scratch = scratch;
        _pc = _kc = 0;
    }

    public static long ScratchLength(int m) => (long)(m + MR - 1) / MR * MR * PackedGemm.KC;

    public void Begin(int pc, int kc) { _pc = pc; _kc = kc; }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public float* Strip(int index, bool firstUse)
    {
        float* dst = _scratch + (long)index * _kc * MR;
        if (!firstUse) return dst;
        int i0 = index * MR, rows = Math.Min(MR, _m - i0);
        int* offsets = _pixelOffsets + _pc;
        if (rows == 8 && MR == 8 && _plane % 16 == 0 && Transpose.HasRows8x16)
        {
            // Whole images in the reduction and 16 | plane: every 16 pixels are contiguous in one image.
            for (int q = 0; q < _kc; q += 16)
                Transpose.Rows8x16(_src + (long)i0 * _plane + offsets[q], _plane, dst + q * MR, MR);
            return dst;
        }
        if (rows == 8 && MR == 8)
        {
            float* r0 = _src + (long)i0 * _plane;
            long p = _plane;
            for (int q = 0; q < _kc; q++)
            {
                float* s = r0 + offsets[q];
                float* d = dst + q * MR;
                d[0] = s[0]; d[1] = s[p]; d[2] = s[2 * p]; d[3] = s[3 * p];
                d[4] = s[4 * p]; d[5] = s[5 * p]; d[6] = s[6 * p]; d[7] = s[7 * p];
            }
            return dst;
        }
        for (int q = 0; q < _kc; q++)
        {
            float* d = dst + q * MR;
            int i = 0;
            for (; i < rows; i++) d[i] = _src[(long)(i0 + i) * _plane + offsets[q]];
            for (; i < MR; i++) d[i] = 0f;
        }
        return dst;
    }
}
