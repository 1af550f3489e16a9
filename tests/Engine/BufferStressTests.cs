using System.Diagnostics;
using KernelGan.Kernels;
using Xunit;

namespace KernelGan.Tests.Engine;

/// <summary>
/// CPU kernels run on raw pointers. This drives them the careless way (temporaries such as
/// <c>Tensor.Ones(n).Buffer</c> passed straight in, never disposed) from parallel tasks while
/// another thread forces full collections and immediately reuses whatever memory they freed,
/// filling it with NaN. A kernel whose input was reclaimed mid-call reads NaN and its result is
/// wrong. With buffers as pinned managed arrays this failed within a second (a temporary's array
/// was collected as soon as the kernel had taken its pointer); with native buffers, which only a
/// release or a finalizer hands back and kernels that keep their arguments alive, it must pass.
/// </summary>
public class BufferStressTests
{
    private static readonly IBackend Cpu = Device.Cpu;
    // At least this long and this many kernel calls (beside the rest of the suite, kernels slow
    // down), but never longer than the cap.
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(3), Cap = TimeSpan.FromSeconds(30);
    private const int MinKernelCalls = 90;

    // Sizes chosen so each kernel runs long enough (milliseconds) for collections to land inside it.
    private const int GemmSize = 192;              // 192^3 multiply-adds
    private const int PointwiseLength = 1 << 20;
    private static readonly ConvGeometry Conv = ConvGeometry.Square(4, 16, 16, 32, 3, 1, 0);

    [Fact]
    public void KernelsGivenTemporariesSurviveForcedCollections()
    {
        // A deadline rather than a timed CancellationTokenSource: its callback needs a thread-pool
        // thread, and the kernels' parallel loops keep every pool thread busy with local work.
        string? failure = null;
        long kernelCalls = 0;
        var deadline = Stopwatch.StartNew();
        bool Running() => Volatile.Read(ref failure) is null && deadline.Elapsed < Cap &&
                          (deadline.Elapsed < Budget || Interlocked.Read(ref kernelCalls) < MinKernelCalls);

        int collectionsBefore = GC.CollectionCount(2);
        var threads = Enumerable.Range(0, 3).Select(w => new Thread(() =>
        {
            if (w == 0)
            {
                CollectAndReuse(Running);
                return;
            }
            for (int i = w; Running(); i++)
            {
                string? wrong = (i % 3) switch
                {
                    0 => GemmOfTemporaries(),
                    1 => ConvWithTemporaries(),
                    _ => PointwiseOfTemporaries(),
                };
                Interlocked.Increment(ref kernelCalls);
                if (wrong is not null) Interlocked.CompareExchange(ref failure, wrong, null);
            }
        }) { IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Null(failure);
        // The test must have exercised something: many kernel calls and collections beside them.
        int collections = GC.CollectionCount(2) - collectionsBefore;
        Assert.True(kernelCalls >= MinKernelCalls && collections >= 30, $"only {kernelCalls} kernel calls and {collections} full collections ran");
    }

    private static string? GemmOfTemporaries()
    {
        using var c = Tensor.Full([GemmSize * GemmSize], float.NaN);
        Cpu.Gemm(false, false, GemmSize, GemmSize, GemmSize, 1f, Tensor.Ones(GemmSize * GemmSize).Buffer, 0, GemmSize, 0,
                 Tensor.Ones(GemmSize * GemmSize).Buffer, 0, GemmSize, 0, 0f, c.Buffer, 0, GemmSize, 0);
        return FirstWrong(c, GemmSize, "gemm of two temporaries of ones");
    }

    private static string? ConvWithTemporaries()
    {
        var g = Conv;
        using var y = Tensor.Full([g.N, g.Cout, g.Hout, g.Wout], float.NaN);
        Cpu.Conv2dForward(g, Tensor.Ones(g.N, g.Cin, g.Hin, g.Win).Buffer, Tensor.Ones(g.Cout, g.Cin, g.Kh, g.Kw).Buffer,
                          Tensor.Full([g.Cout], 0.5f).Buffer, y.Buffer);
        return FirstWrong(y, g.Cin * g.Kh * g.Kw + 0.5f, "conv of temporaries (input, weight, bias)");
    }

    private static string? PointwiseOfTemporaries()
    {
        using var y = Tensor.Full([PointwiseLength], float.NaN);
        Cpu.Binary(BinaryOp.Add, Tensor.Ones(PointwiseLength).Buffer, [PointwiseLength],
                   Tensor.Full([PointwiseLength], 2f).Buffer, [PointwiseLength], y.Buffer, [PointwiseLength]);
        var wrong = FirstWrong(y, 3f, "add of temporaries");
        if (wrong is not null) return wrong;
        Cpu.Unary(UnaryOp.Affine, Tensor.Full([PointwiseLength], 2f).Buffer, y.Buffer, PointwiseLength, 2f, 1f);
        return FirstWrong(y, 5f, "affine of a temporary");
    }

    private static string? FirstWrong(Tensor t, float expected, string what)
    {
        var values = t.ToArray();
        int i = Array.FindIndex(values, v => v != expected);
        return i < 0 ? null : $"{what}: [{i}] = {values[i]}, expected {expected}";
    }

    /// <summary>
    /// Full blocking collections, finalizers run, then the freed memory is taken again at once and
    /// filled with NaN: through the backend's pool (where reclaimed native blocks go) and as
    /// pinned arrays of the same sizes (where the old pinned managed buffers' memory went).
    /// </summary>
    private static void CollectAndReuse(Func<bool> running)
    {
        var g = Conv;
        int[] lengths = [GemmSize * GemmSize, PointwiseLength, g.N * g.Cin * g.Hin * g.Win, g.Cout * g.Cin * g.Kh * g.Kw, g.Cout];
        while (running())
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var held = new List<object>();
            foreach (int n in lengths)
            {
                var b = Cpu.Allocate(n);
                Cpu.Fill(b, 0, n, float.NaN);
                held.Add(b);
                var pinned = GC.AllocateUninitializedArray<float>((n + 63) / 64 * 64, pinned: true);
                pinned.AsSpan().Fill(float.NaN);
                held.Add(pinned);
            }
            Thread.Sleep(1);
            foreach (var b in held.OfType<DeviceBuffer>()) b.Release();
            GC.KeepAlive(held);
        }
    }
}
