namespace KernelGan.Kernels;

/// <summary>
/// A size-bucketed free list. Training repeats the same tensor shapes every step, so exact-size
/// buckets (rounded up to a small granule) give near-perfect reuse: after the first step a backend
/// allocates nothing. Thread-safe; buffers are returned when their last reference is released.
/// </summary>
public sealed class BufferPool<T> where T : class
{
    private readonly Dictionary<int, Stack<T>> _free = new();
    private readonly object _lock = new();
    private readonly int _granule;

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
        item = null!;
        return false;
    }

    public void Return(int bucket, T item)
    {
        lock (_lock)
        {
            if (!_free.TryGetValue(bucket, out var stack)) _free[bucket] = stack = new Stack<T>();
            stack.Push(item);
            BytesPooled += 4L * bucket;
            BytesInUse -= 4L * bucket;
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
