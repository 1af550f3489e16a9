using KernelGan.Kernels;

namespace KernelGan.Gan.Training;

/// <summary>
/// Step statistics kept on the device until they are needed: each step's scalars are copied into
/// one row of a device buffer (a kernel, no wait), and <see cref="Drain"/> reads all pending rows in
/// one download. On a GPU a read-back waits for every queued kernel, so reading each step's losses
/// at once would stall the host behind the device once per step; here it does so once per drain
/// (<c>--stats-every</c> steps in the training loop). Values a step knows on the host (ADA's p)
/// ride along beside the row. Use from one thread.
/// </summary>
public sealed class StepStatsQueue(IBackend backend, int capacity = 64) : IDisposable
{
    private readonly List<Pending> _pending = new();
    private readonly List<GanStepStats> _spilled = new();
    private DeviceBuffer? _rows;
    private int _width = -1;

    private readonly record struct Pending(long Step, GanStepColumns Columns, float[] HostTail);

    /// <summary>Rows the device buffer holds; staging more first reads the pending ones back (a wait, never a loss).</summary>
    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "stats queue: capacity must be positive");

    /// <summary>Steps staged and not yet drained.</summary>
    public int Count => _pending.Count + _spilled.Count;

    /// <summary>
    /// Stages step <paramref name="step"/>'s statistics: the device scalars (in column order, then
    /// <paramref name="hostTail"/>'s values for the last columns) are copied into the next row.
    /// </summary>
    public void Stage(long step, GanStepColumns columns, float[] hostTail, params Tensor[] deviceScalars)
    {
        if (deviceScalars.Length + hostTail.Length != columns.Values.Count)
            throw new ArgumentException($"{deviceScalars.Length} device and {hostTail.Length} host values for the {columns.Values.Count} columns {string.Join(",", columns.Values)}");
        int width = deviceScalars.Length;
        if (_pending.Count == Capacity || (_width != width && _pending.Count > 0)) Spill();
        if (_rows is null || _width != width)
        {
            _rows?.Release();
            _rows = backend.Allocate(Math.Max(1, Capacity * width));
            _width = width;
        }
        int row = _pending.Count * width;
        for (int i = 0; i < width; i++)
        {
            var scalar = deviceScalars[i];
            if (scalar.Count != 1) throw new ArgumentException($"stats queue: column {columns.Values[i]} is {Shape.Format(scalar.Shape)}, not a scalar");
            backend.Copy2D(scalar.Buffer, 0, 1, _rows, row + i, 1, 1, 1);
        }
        _pending.Add(new Pending(step, columns, hostTail));
    }

    /// <summary>Every staged step's statistics, in order, read back in one download; the queue is empty afterwards.</summary>
    public List<GanStepStats> Drain()
    {
        Spill();
        var all = new List<GanStepStats>(_spilled);
        _spilled.Clear();
        return all;
    }

    private void Spill()
    {
        if (_pending.Count == 0) return;
        var values = new float[_pending.Count * _width];
        backend.Download(_rows!, 0, values);
        for (int r = 0; r < _pending.Count; r++)
        {
            var p = _pending[r];
            float[] row = [.. values.AsSpan(r * _width, _width), .. p.HostTail];
            _spilled.Add(new GanStepStats(p.Step, p.Columns, row));
        }
        _pending.Clear();
    }

    public void Dispose()
    {
        _rows?.Release();
        _rows = null;
    }
}
