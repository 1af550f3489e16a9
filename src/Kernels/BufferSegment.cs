namespace KernelGan.Kernels;

/// <summary>
/// A run of [<see cref="Offset"/>, <see cref="Offset"/> + <see cref="Length"/>) floats inside a
/// buffer: one tensor's place in an arena of packed tensors (see the multi-tensor updates
/// <see cref="IBackend.AdamStepSegments"/> and <see cref="IBackend.AxpbySegments"/>).
/// </summary>
public readonly record struct BufferSegment(int Offset, int Length)
{
    public int End => Offset + Length;

    /// <summary>
    /// Gaps shorter than this between consecutive segments are alignment padding: a backend may
    /// run the elementwise update over them too (one launch over the run), so their values are
    /// whatever that math makes of them and nobody may read them.
    /// </summary>
    public const int PaddingBelow = 16;

    /// <summary>Checks that segments are ascending, disjoint and inside a buffer of <paramref name="bufferLength"/> floats.</summary>
    public static void Validate(ReadOnlySpan<BufferSegment> segments, int bufferLength, string operation)
    {
        int end = 0;
        foreach (var s in segments)
        {
            if (s.Offset < end || s.Length < 0 || s.End > bufferLength)
                throw new ArgumentOutOfRangeException(nameof(segments),
                    $"{operation}: segment [{s.Offset}, {s.End}) is out of order, overlaps the one before, or lies outside the buffer of {bufferLength} floats");
            end = s.End;
        }
    }
}
