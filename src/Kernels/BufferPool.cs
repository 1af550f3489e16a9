namespace KernelGan.Kernels;

/// <summary>
/// A size-bucketed free list. Training repeats the same tensor shapes every step, so exact-size
/// buckets (rounded up to a small granule) give near-perfect reuse: after the first step a backend
/// allocates nothing. Thread-safe; buffers are returned when their last reference is released.
/// </summary>
public sealed class BufferPool<T> where T : notnull
{
    private readonly Dictionary<int, Stack<T>> _free = new();
    private readonly object _lock = new();
    private readonly int _granule;
    private bool _closed;

    public BufferPool(int granule) => _granule = granule;

    public long BytesInUse { get; private set; }
    public long BytesPooled { get; private set; }

    /// <summary>The capacity actually allocated for a request of <paramref name="length"/> elements.</summary>
    public int Bucket(int length) => Math.Max(_granule, (length + _granule - 1) / _granule * _granule);

    public bool TryTake(int bucket, out T item)
    {
        lock (_lock)
        {
            if (_free.TryGetValue(bucket, out var stack) && stack.Count > 0)
            {
                item = stack.Pop();
                BytesPooled -= 4L * bucket;
                BytesInUse += 4L * bucket;
                return true;
            }
            BytesInUse += 4L * bucket;
        }
        item = default!;
        return false;
    }

    /// <summary>
    /// Takes <paramref name="item"/> back for reuse; false once the pool is closed, and then the
    /// caller frees the item itself (a block that comes back after its pool's owner was finalized).
    /// </summary>
    public bool Return(int bucket, T item)
    {
        lock (_lock)
        {
            if (_closed)
            {
                BytesInUse -= 4L * bucket;
                return false;
            }
            if (!_free.TryGetValue(bucket, out var stack)) _free[bucket] = stack = new Stack<T>();
            stack.Push(item);
            BytesPooled += 4L * bucket;
            BytesInUse -= 4L * bucket;
            return true;
        }
    }

    /// <summary>Empties the free lists for good: later returns are refused (see <see cref="Return"/>).</summary>
    public void Close(Action<T> dispose)
    {
        lock (_lock)
        {
            _closed = true;
            Clear(dispose);
        }
    }

    /// <summary>Empties the free lists, handing each item to <paramref name="dispose"/>.</summary>
    public void Clear(Action<T>? dispose = null)
    {
        lock (_lock)
        {
            foreach (var stack in _free.Values)
                while (stack.Count > 0) dispose?.Invoke(stack.Pop());
            _free.Clear();
            BytesPooled = 0;
        }
    }
}
