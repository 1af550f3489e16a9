namespace KernelGan.Gan.Data;

/// <summary>
/// Prepares the batches of the next steps in the background while the caller trains on this one.
/// <c>build(step)</c> must be a pure function of the step (every loader here is: exact resume), so
/// a prefetched batch is the one a direct call would build, and a caller that jumps to another
/// step (a resume, an evaluation) just gets that step built on the spot. The batches ahead are
/// built one after another on one background task chain, never side by side, so prefetching
/// takes at most one builder's cores from the training step. Use from one consuming thread.
/// </summary>
public sealed class BatchPrefetcher<T> : IDisposable
{
    private readonly Func<long, T> _build;
    private readonly Queue<(long Step, Task<T> Task)> _ahead = new();
    private Task _tail = Task.CompletedTask;
    private bool _disposed;

    /// <param name="depth">Batches prepared ahead of the one asked for (0: none, each built on request).</param>
    public BatchPrefetcher(Func<long, T> build, int depth)
    {
        if (depth < 0) throw new ArgumentOutOfRangeException(nameof(depth), depth, "prefetch depth must not be negative");
        _build = build;
        Depth = depth;
    }

    public int Depth { get; }

    /// <summary>
    /// The batch of <paramref name="step"/>: the prefetched one when it was prepared, else built now;
    /// then the following <see cref="Depth"/> steps are queued. A prefetch's error surfaces here, for its step.
    /// </summary>
    public T Get(long step)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // Batches ahead of a different step are stale (the caller jumped); they have no side effects.
        while (_ahead.Count > 0 && _ahead.Peek().Step != step) _ahead.Dequeue();
        T batch = _ahead.TryDequeue(out var ready) ? ready.Task.GetAwaiter().GetResult() : _build(step);
        long next = _ahead.Count > 0 ? _ahead.Last().Step + 1 : step + 1;
        while (_ahead.Count < Depth)
        {
            long s = next++;
            var task = _tail.ContinueWith(_ => _build(s), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            _tail = task;
            _ahead.Enqueue((s, task));
        }
        return batch;
    }

    /// <summary>Waits for the background builds so none outlives the prefetcher; their errors belong to batches nobody asked for.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _ahead.Clear();
        try { _tail.Wait(); }
        catch (AggregateException) { }
    }
}
