using KernelGan.Kernels;

namespace KernelGan;

/// <summary>
/// A reproducible random stream: a seed plus a counter of Philox blocks consumed. Device fills
/// and host draws come from the same counter-based generator, so a seed gives the same numbers on
/// every backend, and saving (Seed, Offset) in a checkpoint resumes the stream exactly.
/// </summary>
public sealed class Rng(ulong seed, ulong offset = 0)
{
    public ulong Seed { get; } = seed;

    /// <summary>Philox blocks (4 words each) consumed so far.</summary>
    public ulong Offset { get; set; } = offset;

    private ulong Take(int values)
    {
        ulong start = Offset;
        Offset += (ulong)((values + 3) / 4);
        return start;
    }

    public Tensor Normal(int[] shape, float mean = 0f, float std = 1f, IBackend? backend = null)
    {
        var t = Tensor.Empty(shape, backend);
        t.Backend.FillNormal(t.Buffer, t.Count, Seed, Take(t.Count), mean, std);
        return t;
    }

    public Tensor Uniform(int[] shape, float lo = 0f, float hi = 1f, IBackend? backend = null)
    {
        var t = Tensor.Empty(shape, backend);
        t.Backend.FillUniform(t.Buffer, t.Count, Seed, Take(t.Count), lo, hi);
        return t;
    }

    /// <summary>A uniform float in [0, 1) drawn on the host.</summary>
    public float NextFloat()
    {
        Philox.Block(Seed, Take(1), out uint r0, out _, out _, out _);
        return Philox.ToUnit(r0);
    }

    /// <summary>A uniform integer in [lo, hi] drawn on the host.</summary>
    public int NextInt(int lo, int hi)
    {
        if (hi < lo) throw new ArgumentException($"empty range [{lo}, {hi}]");
        Philox.Block(Seed, Take(1), out uint r0, out uint r1, out _, out _);
        ulong span = (ulong)((long)hi - lo + 1);
        return (int)(lo + (long)((((ulong)r1 << 32) | r0) % span));
    }

    /// <summary>A uniformly random permutation of 0..n-1 (Fisher-Yates on host draws).</summary>
    public int[] Permutation(int n)
    {
        var p = Enumerable.Range(0, n).ToArray();
        for (int i = n - 1; i > 0; i--)
        {
            int j = NextInt(0, i);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }

    /// <summary>A permutation with no fixed point (each i maps elsewhere), for "shuffled pairs" in MI estimators.</summary>
    public int[] Derangement(int n)
    {
        if (n < 2) throw new ArgumentException("a derangement needs at least 2 elements");
        // Rotating a random permutation by a random non-zero amount leaves no fixed points.
        var order = Permutation(n);
        int shift = NextInt(1, n - 1);
        var d = new int[n];
        for (int i = 0; i < n; i++) d[order[i]] = order[(i + shift) % n];
        return d;
    }
}
