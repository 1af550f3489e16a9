using KernelGan.Kernels;

namespace KernelGan;

/// <summary>
/// Tensors packed into one buffer: each tensor keeps its identity and shape, but its storage
/// becomes a slice of the arena, so that an update of all of them (Adam, the EMA) is one kernel
/// over the arena instead of one per tensor (a GPU step spent ~100 launches there). Each tensor
/// starts at a multiple of <see cref="Alignment"/> floats, the alignment a fresh allocation has;
/// the padding between them is read by nobody (see <see cref="BufferSegment.PaddingBelow"/>).
/// A tensor belongs to at most one arena; packing is refused (null) where it cannot be done
/// cleanly, and callers then keep their per-tensor path.
/// </summary>
public sealed class TensorArena
{
    /// <summary>Segment starts are multiples of this many floats (64 bytes: a cache line, one Vector512, Float4 loads).</summary>
    public const int Alignment = 16;

    // Per thread, like TensorScope and NoGrad (the rule is explained in TensorScope).
    [ThreadStatic] private static int t_suspended;

    private readonly Tensor[] _tensors;
    private readonly BufferSegment[] _segments;

    private TensorArena(IBackend backend, Tensor[] tensors, BufferSegment[] segments, int length, DeviceBuffer buffer)
    {
        Backend = backend;
        _tensors = tensors;
        _segments = segments;
        Length = length;
        Buffer = buffer;
    }

    public IBackend Backend { get; }

    /// <summary>The arena's storage; the tensors' buffers are slices of it.</summary>
    public DeviceBuffer Buffer { get; }

    /// <summary>Floats in the arena, padding included.</summary>
    public int Length { get; }

    /// <summary>The packed tensors, in packing order.</summary>
    public IReadOnlyList<Tensor> Tensors => _tensors;

    /// <summary>Where each tensor lies in <see cref="Buffer"/>, in packing order.</summary>
    public ReadOnlySpan<BufferSegment> Segments => _segments;

    /// <summary>Whether packing is on for this thread (off inside <see cref="Suspend"/>).</summary>
    public static bool PackingEnabled => t_suspended == 0;

    /// <summary>
    /// Within the returned scope, optimizers and EMAs built on this thread keep one buffer per
    /// tensor: the per-tensor path, for comparisons (bench loop --baseline, tests).
    /// </summary>
    public static SuspendScope Suspend()
    {
        t_suspended++;
        return new SuspendScope();
    }

    public readonly struct SuspendScope : IDisposable
    {
        public void Dispose() => t_suspended--;
    }

    /// <summary>
    /// Moves the tensors' values into one new arena and their storage onto its slices. Null (and
    /// nothing moved) when packing is suspended, the list is empty, the tensors live on different
    /// backends, one appears twice, or one is packed already (its first arena's kernels would
    /// no longer see it).
    /// </summary>
    public static TensorArena? Pack(IEnumerable<Tensor> tensors)
    {
        var list = tensors.ToArray();
        if (!PackingEnabled || list.Length == 0) return null;
        var backend = list[0].Backend;
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var t in list)
            if (t.Arena is not null || !ReferenceEquals(t.Backend, backend) || !seen.Add(t)) return null;
        var (segments, length) = Layout(list);
        var arena = new TensorArena(backend, list, segments, length, backend.Allocate(length));
        backend.Fill(arena.Buffer, 0, length, 0f);
        for (int i = 0; i < list.Length; i++)
        {
            var slice = backend.Slice(arena.Buffer, segments[i].Offset, segments[i].Length);
            backend.Copy2D(list[i].Buffer, 0, list[i].Count, slice, 0, list[i].Count, 1, list[i].Count);
            list[i].ReplaceStorage(slice, arena);
        }
        return arena;
    }

    /// <summary>
    /// Packs <paramref name="tensors"/> in the layout of <paramref name="layout"/> (same count and
    /// sizes, in order), so one kernel can combine the two arenas (the EMA: average and live
    /// weights). Null where <see cref="Pack"/> would be, or where the sizes differ.
    /// </summary>
    public static TensorArena? PackLike(IEnumerable<Tensor> tensors, TensorArena layout)
    {
        var list = tensors.ToArray();
        if (list.Length != layout._tensors.Length) return null;
        for (int i = 0; i < list.Length; i++)
            if (list[i].Count != layout._tensors[i].Count) return null;
        return Pack(list);
    }

    /// <summary>The arena that holds exactly these tensors in this order, or null.</summary>
    public static TensorArena? Of(IEnumerable<Tensor> tensors)
    {
        var list = tensors.ToArray();
        if (list.Length == 0 || list[0].Arena is not { } arena || arena._tensors.Length != list.Length) return null;
        for (int i = 0; i < list.Length; i++)
            if (!ReferenceEquals(arena._tensors[i], list[i])) return null;
        return arena;
    }

    /// <summary>
    /// A new zeroed arena of the same layout whose tensors (same shapes, in order) are new: an
    /// optimizer's moments, or the gradient slots of packed parameters. Its tensors live outside
    /// any scope, like the parameters they belong to.
    /// </summary>
    public TensorArena Companion()
    {
        var buffer = Backend.Allocate(Length);
        Backend.Fill(buffer, 0, Length, 0f);
        var tensors = new Tensor[_tensors.Length];
        var arena = new TensorArena(Backend, tensors, _segments, Length, buffer);
        for (int i = 0; i < tensors.Length; i++)
            tensors[i] = new Tensor(Backend.Slice(buffer, _segments[i].Offset, _segments[i].Length), (int[])_tensors[i].Shape.Clone(), register: false)
            {
                Arena = arena,
            };
        return arena;
    }

    /// <summary>
    /// A companion arena that holds the tensors' gradients: from now on a tensor's first gradient
    /// is written into its slot (instead of a fresh buffer) and accumulates there, so that Adam
    /// reads all gradients from one buffer. A gradient that already exists moves into its slot.
    /// A tensor still has no <see cref="Tensor.Grad"/> until a backward pass reaches it.
    /// </summary>
    public TensorArena GradientSlots()
    {
        var slots = Companion();
        for (int i = 0; i < _tensors.Length; i++)
        {
            var t = _tensors[i];
            t.GradSlot = slots._tensors[i];
            if (t.Grad is { IsDisposed: false } old)
            {
                t.GradSlot.CopyFrom(old);
                t.Grad = t.GradSlot;
                old.Dispose();
            }
        }
        return slots;
    }

    private static (BufferSegment[] Segments, int Length) Layout(Tensor[] tensors)
    {
        var segments = new BufferSegment[tensors.Length];
        long offset = 0;
        for (int i = 0; i < tensors.Length; i++)
        {
            segments[i] = new BufferSegment((int)offset, tensors[i].Count);
            offset += (tensors[i].Count + Alignment - 1) / Alignment * Alignment;
            if (offset > int.MaxValue) throw new InvalidOperationException($"pack: {tensors.Length} tensors exceed one buffer's 2^31 floats");
        }
        return (segments, (int)offset);
    }
}
