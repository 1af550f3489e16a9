namespace KernelGan.Gan.Training;

/// <summary>
/// An <see cref="IProgress{T}"/> that reports on the calling thread, at once. (<see cref="Progress{T}"/>
/// posts to the thread pool, so its lines can come after the result they describe: `eval` printed
/// "200/200 boxes" below its score table.)
/// </summary>
public sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
