namespace KernelGan.Kernels.Cpu;

/// <summary>
/// A B operand gathered by <see cref="ColumnRuns"/>: element (row q, column j) is
/// src[rowOffsets[q] + offset of j]. Strips are packed lazily into scratch on first use.
/// </summary>
internal unsafe struct RunPackedPanel : IPanelSource
{
    private const int NR = GemmMicroKernel.NR;
    private readonly float* _src, _scratch;
    private readonly int* _rowOffsets, _runs, _starts;
    private readonly int _n;
    private int _pc, _kc;

    /// <param name="scratch">Room for KC x (n rounded up to NR) floats.</param>
    public RunPackedPanel(float* src, int* rowOffsets, int* runs, int* starts, int n, float* scratch)
    {
        _src = src; _rowOffsets = rowOffsets; _runs = runs; _starts = starts; _n = n; _scratch = scratch;
        _pc = _kc = 0;
    }

    public static long ScratchLength(int n) => (long)PackedGemm.KC * ((n + NR - 1) / NR * NR);

    public void Begin(int pc, int kc) { _pc = pc; _kc = kc; }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public float* Strip(int index, bool firstUse)
    {
        float* dst = _scratch + (long)index * _kc * NR;
        if (firstUse)
        {
            int first = _starts[index];
            ColumnRuns.PackStrip(_src, _rowOffsets + _pc, _kc, _runs + 3 * first, _starts[index + 1] - first,
                                 Math.Min(NR, _n - index * NR), dst);
        }
        return dst;
    }
}
