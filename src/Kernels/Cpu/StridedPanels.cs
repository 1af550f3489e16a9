using KernelGan.Kernels.Cpu.Simd;

namespace KernelGan.Kernels.Cpu;

/// <summary>
/// A of a general GEMM: op(A)[i, p] is a[i*lda + p], or a[p*lda + i] when transposed. Strips of
/// MR rows are packed on first use into a scratch block that holds one MC-row block.
/// </summary>
internal unsafe struct StridedPanelA : IPanelSource
{
    private const int MR = GemmMicroKernel.MR;
    private readonly float* _a, _scratch;
    private readonly int _lda, _m;
    private readonly bool _trans;
    private int _pc, _kc;

    public StridedPanelA(bool trans, float* a, int lda, int m, float* scratch)
    {
        _trans = trans; _a = a; _lda = lda; _m = m; _scratch = scratch;
        _pc = _kc = 0;
    }

    public static long ScratchLength => (long)PackedGemm.MC * PackedGemm.KC;

    public void Begin(int pc, int kc) { _pc = pc; _kc = kc; }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public float* Strip(int index, bool firstUse)
    {
        float* dst = _scratch + (long)(index % (PackedGemm.MC / MR)) * _kc * MR;
        if (!firstUse) return dst;
        int i0 = index * MR;
        // op(A)[i, p] at a[i * lda + p], or a[p * lda + i] when transposed.
        long rowStride = _trans ? 1 : _lda, colStride = _trans ? _lda : 1;
        PackedGemm.PackRowStrip(_a + i0 * rowStride + _pc * colStride, Math.Min(MR, _m - i0), _kc, rowStride, colStride, dst);
        return dst;
    }
}

/// <summary>
/// B of a general GEMM: op(B)[p, j] is b[p*ldb + j], or b[j*ldb + p] when transposed. Strips of
/// NR columns are packed on first use into a scratch block that holds one NC-column block.
/// </summary>
internal unsafe struct StridedPanelB : IPanelSource
{
    private const int NR = GemmMicroKernel.NR;
    private readonly float* _b, _scratch;
    private readonly int _ldb, _n;
    private readonly bool _trans;
    private int _pc, _kc;

    public StridedPanelB(bool trans, float* b, int ldb, int n, float* scratch)
    {
        _trans = trans; _b = b; _ldb = ldb; _n = n; _scratch = scratch;
        _pc = _kc = 0;
    }

    public static long ScratchLength => (long)PackedGemm.KC * PackedGemm.NC;

    public void Begin(int pc, int kc) { _pc = pc; _kc = kc; }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public float* Strip(int index, bool firstUse)
    {
        float* dst = _scratch + (long)(index % (PackedGemm.NC / NR)) * _kc * NR;
        if (!firstUse) return dst;
        int j0 = index * NR, cols = Math.Min(NR, _n - j0);
        if (!_trans)
        {
            for (int p = 0; p < _kc; p++)
            {
                float* src = _b + (long)(_pc + p) * _ldb + j0;
                float* d = dst + p * NR;
                if (cols == NR)
                {
                    Vec.Copy16(src, d);
                    Vec.Copy16(src + 16, d + 16);
                }
                else
                {
                    int j = 0;
                    for (; j < cols; j++) d[j] = src[j];
                    for (; j < NR; j++) d[j] = 0f;
                }
            }
            return dst;
        }
        if (cols == NR && Transpose.HasRows8x16)
        {
            // Each column of op(B) is contiguous along k: register transposes, 8 columns at a time.
            float* columns = _b + (long)j0 * _ldb + _pc;
            for (int g = 0; g < NR; g += 8) Transpose.Rows8(columns + (long)g * _ldb, _ldb, _kc, dst + g, NR);
            return dst;
        }
        for (int j = 0; j < NR; j++)
        {
            if (j >= cols)
            {
                for (int p = 0; p < _kc; p++) dst[p * NR + j] = 0f;
                continue;
            }
            float* src = _b + (long)(j0 + j) * _ldb + _pc;
            for (int p = 0; p < _kc; p++) dst[p * NR + j] = src[p];
        }
        return dst;
    }
}
