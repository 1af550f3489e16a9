namespace KernelGan.Kernels.Cpu;

/// <summary>
/// Where a GEMM writes C: rows <see cref="Ld"/> floats apart, and optionally split into column
/// segments of <see cref="SegmentWidth"/> that lie <see cref="SegmentStride"/> apart. With
/// segments, one GEMM over a batch of images writes each image's [Cout, H*W] plane straight into
/// the NCHW output: column j = image * plane + pixel.
/// </summary>
internal readonly unsafe struct OutputMatrix
{
    public readonly float* Base;
    public readonly int Ld;
    public readonly int SegmentWidth;
    public readonly long SegmentStride;

    private OutputMatrix(float* c, int ld, int segmentWidth, long segmentStride)
    {
        Base = c; Ld = ld; SegmentWidth = segmentWidth; SegmentStride = segmentStride;
    }

    public static OutputMatrix Dense(float* c, int ld) => new(c, ld, int.MaxValue, 0);

    /// <summary>Segments must be a multiple of 16 wide so each 16-lane half of a tile stays in one segment.</summary>
    public static OutputMatrix PerImage(float* c, int plane, long imageStride)
    {
        if (plane % 16 != 0) throw new ArgumentException($"segment width {plane} is not a multiple of 16");
        return new(c, plane, plane, imageStride);
    }

    public float* At(int i, int j)
    {
        int segment = j / SegmentWidth;
        return Base + segment * SegmentStride + (long)i * Ld + (j - segment * SegmentWidth);
    }
}

/// <summary>
/// One operand of <see cref="PackedGemm"/>, delivered a block of the reduction dimension at a time
/// as micro-kernel strips (MR-row strips of A or NR-column strips of B, each k-major).
/// </summary>
internal unsafe interface IPanelSource
{
    /// <summary>Starts reduction rows [pc, pc+kc); a source may pack all its strips here.</summary>
    void Begin(int pc, int kc);

    /// <summary>
    /// Strip <paramref name="index"/> of the current block. <paramref name="firstUse"/> is true the
    /// first time the driver asks for it in this block, so a source can pack strips lazily, right
    /// before their first use, while they are still in L1.
    /// </summary>
    float* Strip(int index, bool firstUse);
}

/// <summary>An operand packed in full ahead of time (weights, shared by every image and thread).</summary>
internal unsafe struct PrepackedPanel : IPanelSource
{
    private readonly float* _strips;
    private readonly int _k, _width;
    private int _pc;

    /// <param name="strips">Strips of <paramref name="width"/> lanes, each holding all k rows.</param>
    public PrepackedPanel(float* strips, int k, int width)
    {
        _strips = strips; _k = k; _width = width; _pc = 0;
    }

    public void Begin(int pc, int kc) => _pc = pc;

    public float* Strip(int index, bool firstUse) => _strips + (long)index * _k * _width + (long)_pc * _width;
}

/// <summary>
/// The GEMM driver (Goto/BLIS loop order): C = alpha op(A) op(B) + beta C with A [m, k] and B [k, n]
/// supplied as packed panels, so im2col, transposes and batching live in the packers. Blocked
/// over n in NC, k in KC and m in MC: a B strip stays in L1 across an MC block, an A block in L2.
/// Sources pack strips lazily on first use; B strip indices are global, so a source whose
/// scratch holds one NC block keys its slots by index modulo NC/NR.
/// </summary>
internal static unsafe class PackedGemm
{
    public const int KC = 256, MC = 144, NC = 2048;
    private const int MR = GemmMicroKernel.MR, NR = GemmMicroKernel.NR;

    // Fully optimized from the first call: a tier-0 or OSR copy of this loop nest is several times slower.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void Run<TA, TB>(int m, int n, int k, ref TA a, ref TB b, in OutputMatrix c, float beta, float alpha = 1f)
        where TA : struct, IPanelSource where TB : struct, IPanelSource
    {
        if (m <= 0 || n <= 0 || k <= 0) throw new ArgumentException($"empty GEMM {m}x{n}x{k}");
        for (int jc = 0; jc < n; jc += NC)
        {
            int nc = Math.Min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC)
            {
                int kc = Math.Min(KC, k - pc);
                float betaHere = pc == 0 ? beta : 1f;
                a.Begin(pc, kc);
                b.Begin(pc, kc);
                for (int ic = 0; ic < m; ic += MC)
                {
                    int mc = Math.Min(MC, m - ic);
                    for (int jr = jc; jr < jc + nc; jr += NR)
                    {
                        int nr = Math.Min(NR, jc + nc - jr);
                        float* bStrip = b.Strip(jr / NR, ic == 0);
                        for (int ir = ic; ir < ic + mc; ir += MR)
                        {
                            int mr = Math.Min(MR, ic + mc - ir);
                            float* lo = c.At(ir, jr);
                            float* hi = nr > 16 ? c.At(ir, jr + 16) : lo + 16;
                            GemmMicroKernel.Run(kc, a.Strip(ir / MR, jr == jc), bStrip, lo, hi, c.Ld, alpha, betaHere, mr, nr);
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Packs all of op(A) [m, k] into MR-row strips holding every k (zero rows pad the last strip).
    /// Element (i, p) of op(A) is at src[i * rowStride + p * colStride].
    /// </summary>
    public static void PackRowStrips(float* src, int m, int k, long rowStride, long colStride, float* dst)
    {
        for (int ir = 0; ir < m; ir += MR)
            PackRowStrip(src + ir * rowStride, Math.Min(MR, m - ir), k, rowStride, colStride, dst + (long)ir * k);
    }

    /// <summary>
    /// One MR-row strip: strip[p * MR + i] = src[i * rowStride + p * colStride] for i &lt; mr and
    /// p &lt; k, zero for rows mr..MR-1. Both layouts go by vectors: rows adjacent in memory
    /// (a transposed operand) as 8-float copies, rows contiguous along k (a weight matrix, or A of
    /// a plain GEMM) as 8 x 16 register transposes.
    /// </summary>
    public static void PackRowStrip(float* src, int mr, int k, long rowStride, long colStride, float* strip)
    {
        if (colStride != 1 && rowStride == 1)
        {
            for (int p = 0; p < k; p++)
            {
                float* s = src + p * colStride;
                float* d = strip + p * MR;
                if (mr == MR)
                {
                    Simd.Vec.Copy8(s, d);
                    continue;
                }
                int i = 0;
                for (; i < mr; i++) d[i] = s[i];
                for (; i < MR; i++) d[i] = 0f;
            }
            return;
        }
        if (colStride == 1 && mr == MR && Transpose.HasRows8x16)
        {
            Transpose.Rows8(src, rowStride, k, strip, MR);
            return;
        }
        for (int i = 0; i < MR; i++)
        {
            if (i >= mr)
            {
                for (int p = 0; p < k; p++) strip[p * MR + i] = 0f;
                continue;
            }
            float* s = src + i * rowStride;
            for (int p = 0; p < k; p++) strip[p * MR + i] = s[p * colStride];
        }
    }

    /// <summary>Floats needed by <see cref="PackRowStrips"/> for an m x k operand.</summary>
    public static long RowStripsLength(int m, int k) => (long)((m + MR - 1) / MR * MR) * k;
}
