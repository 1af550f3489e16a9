using KernelGan.Kernels.Ilgpu;

namespace KernelGan.Kernels.Checks;

/// <summary>
/// Runs every <see cref="IBackend"/> member on the same inputs on a reference backend (the CPU
/// backend) and a candidate (e.g. CUDA through ILGPU) and compares the outputs. Output buffers are
/// pre-filled with NaN, so an element a kernel forgets to write fails the comparison. Used by the
/// xunit tests (ILGPU's CPU simulator, <see cref="ComparisonScale.Tiny"/>) and by
/// <c>kernelgan selftest --device cuda</c> (<see cref="ComparisonScale.Realistic"/>).
/// <code>
/// var results = new BackendComparison(CpuBackend.Instance, IlgpuDevices.Open("cuda"), ComparisonScale.Realistic)
///     .Run(progress: r => Console.WriteLine(r));
/// bool allPass = results.All(r => r.Pass);
/// </code>
/// When the candidate is an ILGPU backend, the GEMM and convolution cases also run with each
/// launch variant it can execute (tile sizes, split-k, image chunking), not only the default plan.
/// </summary>
public sealed partial class BackendComparison
{
    private readonly IBackend _reference;
    private readonly IBackend _candidate;
    private readonly List<KernelCheck> _results = new();
    private Action<KernelCheck>? _progress;
    private Func<string, bool> _include = _ => true;

    public BackendComparison(IBackend reference, IBackend candidate, ComparisonScale scale = ComparisonScale.Tiny, int seed = 1)
    {
        _reference = reference;
        _candidate = candidate;
        Scale = scale;
        Seed = seed;
    }

    public ComparisonScale Scale { get; }

    public int Seed { get; }

    private bool Tiny => Scale == ComparisonScale.Tiny;

    /// <summary>The kernel families, in the order they run; <see cref="Run"/> can select some by name.</summary>
    public static readonly string[] Families =
        ["memory", "pointwise", "broadcast", "reductions", "gemm", "convolution", "batchnorm", "resampling", "transformer", "layered", "optimizer-random"];

    /// <summary>
    /// Runs the checks and returns one result per case. A family that throws outside a case is
    /// reported as a failed result, never skipped.
    /// </summary>
    /// <param name="progress">Called with each result as it completes.</param>
    /// <param name="families">Family names to run (null: all of <see cref="Families"/>).</param>
    /// <param name="kernels">IBackend member names to run (null: all).</param>
    public IReadOnlyList<KernelCheck> Run(Action<KernelCheck>? progress = null, IEnumerable<string>? families = null, IEnumerable<string>? kernels = null)
    {
        _results.Clear();
        _progress = progress;
        var kernelSet = kernels?.ToHashSet(StringComparer.OrdinalIgnoreCase);
        _include = kernelSet is null ? _ => true : kernelSet.Contains;
        var selected = families?.ToHashSet(StringComparer.OrdinalIgnoreCase) ?? Families.ToHashSet();
        foreach (var unknown in selected.Where(f => !Families.Contains(f, StringComparer.OrdinalIgnoreCase)))
            Record(new KernelCheck(unknown, "-", 0, 0, 0, false, $"unknown family (expected: {string.Join(", ", Families)})"));
        var runs = new (string Name, Action Body)[]
        {
            ("memory", CheckMemory), ("pointwise", CheckPointwise), ("broadcast", CheckBroadcast), ("reductions", CheckReductions),
            ("gemm", CheckGemm), ("convolution", CheckConvolution), ("batchnorm", CheckBatchNorm), ("resampling", CheckResampling),
            ("transformer", CheckSpatialTransformer), ("layered", CheckLayered), ("optimizer-random", CheckOptimizerAndRandom),
        };
        foreach (var (name, body) in runs)
        {
            if (!selected.Contains(name)) continue;
            try
            {
                body();
            }
            catch (Exception e)
            {
                Record(new KernelCheck(name, "(family setup)", double.NaN, double.NaN, 0, false, $"{e.GetType().Name}: {FirstLine(e.Message)}"));
            }
        }
        return _results.ToList();
    }

    /// <summary>
    /// One line for a command's last output: how many checks ran and failed, and the check that came
    /// closest to its tolerance, e.g. "352 checks on cuda:0 (...): all passed; closest to its limit: ...".
    /// </summary>
    public static string Summarize(IReadOnlyList<KernelCheck> results, string deviceName)
    {
        int failed = results.Count(r => !r.Pass);
        var closest = results.Where(r => r.Pass && r.Tolerance > 0).MaxBy(r => r.MaxRelError / r.Tolerance);
        string verdict = failed == 0 ? "all passed" : $"{failed} FAILED";
        string margin = closest is null ? "" : $"; closest to its limit: {closest.Kernel} {closest.Case.Trim()} (rel {closest.MaxRelError:E1} of {closest.Tolerance:E1})";
        return $"{results.Count} checks on {deviceName}: {verdict}{margin}";
    }

    // ---------------------------------------------------------------- the comparison machinery

    /// <summary>
    /// Runs <paramref name="body"/> on both backends and compares every array it returns. The body
    /// must build its inputs from host arrays made outside it, so both backends see the same data.
    /// </summary>
    private void Compare(string kernel, string caseName, double tolerance, Func<Session, float[][]> body) =>
        Compare(kernel, caseName, _ => tolerance, body);

    /// <summary>As above, with a tolerance per output (a kernel's sums over many terms need more slack than its pointwise outputs).</summary>
    private void Compare(string kernel, string caseName, Func<int, double> tolerance, Func<Session, float[][]> body)
    {
        if (!_include(kernel)) return;
        float[][] expected, actual;
        try
        {
            expected = Execute(_reference, body);
        }
        catch (Exception e)
        {
            Record(new KernelCheck(kernel, caseName, double.NaN, double.NaN, tolerance(0), false, $"reference threw {e.GetType().Name}: {FirstLine(e.Message)}"));
            return;
        }
        try
        {
            actual = Execute(_candidate, body);
        }
        catch (Exception e)
        {
            Record(new KernelCheck(kernel, caseName, double.NaN, double.NaN, tolerance(0), false, $"candidate threw {e.GetType().Name}: {FirstLine(e.Message)}"));
            return;
        }
        Record(Measure(kernel, caseName, tolerance, expected, actual));
    }

    /// <summary>Records a check whose pass/fail is a property of the candidate alone (memory statistics, names).</summary>
    private void Expect(string kernel, string caseName, bool pass, string? problem)
    {
        if (!_include(kernel)) return;
        Record(new KernelCheck(kernel, caseName, 0, 0, 0, pass, pass ? null : problem));
    }

    private static float[][] Execute(IBackend backend, Func<Session, float[][]> body)
    {
        using var session = new Session(backend);
        return body(session);
    }

    internal static KernelCheck Measure(string kernel, string caseName, double tolerance, float[][] expected, float[][] actual) =>
        Measure(kernel, caseName, _ => tolerance, expected, actual);

    /// <summary>
    /// Compares output by output; the check passes when every output is within its tolerance, and
    /// reports the output that came closest to (or furthest past) its limit.
    /// </summary>
    internal static KernelCheck Measure(string kernel, string caseName, Func<int, double> tolerance, float[][] expected, float[][] actual)
    {
        if (expected.Length != actual.Length)
            return new KernelCheck(kernel, caseName, double.NaN, double.NaN, tolerance(0), false, $"{actual.Length} outputs, expected {expected.Length}");
        double maxAbs = 0, reportedRel = 0, reportedTolerance = tolerance(0), worstRatio = -1;
        bool pass = true;
        string? problem = null;
        for (int o = 0; o < expected.Length; o++)
        {
            if (expected[o].Length != actual[o].Length)
                return new KernelCheck(kernel, caseName, double.NaN, double.NaN, tolerance(o), false,
                    $"output {o}: {actual[o].Length} values, expected {expected[o].Length}");
            double limit = tolerance(o), outputRel = 0;
            string? outputProblem = null;
            for (int i = 0; i < expected[o].Length; i++)
            {
                float e = expected[o][i], a = actual[o][i];
                if (e.Equals(a)) continue; // also NaN == NaN and equal infinities
                if (!float.IsFinite(e) || !float.IsFinite(a))
                {
                    outputProblem ??= $"output {o}[{i}]: expected {e}, got {a}";
                    maxAbs = outputRel = double.PositiveInfinity;
                    continue;
                }
                double abs = Math.Abs((double)a - e), rel = abs / Math.Max(1.0, Math.Abs((double)e));
                maxAbs = Math.Max(maxAbs, abs);
                if (rel > outputRel)
                {
                    outputRel = rel;
                    if (rel > limit) outputProblem = $"worst at output {o}[{i}]: expected {e:G9}, got {a:G9}";
                }
            }
            bool outputPass = outputRel <= limit;
            double ratio = limit > 0 ? outputRel / limit : outputRel > 0 ? double.PositiveInfinity : 0;
            if (ratio > worstRatio)
            {
                worstRatio = ratio;
                reportedRel = outputRel;
                reportedTolerance = limit;
            }
            if (!outputPass && pass)
            {
                pass = false;
                problem = outputProblem;
            }
        }
        return new KernelCheck(kernel, caseName, maxAbs, reportedRel, reportedTolerance, pass, pass ? null : problem);
    }

    private void Record(KernelCheck result)
    {
        _results.Add(result);
        _progress?.Invoke(result);
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    /// <summary>
    /// Launch variants to try for GEMM-based kernels: the default plan, and for an ILGPU candidate
    /// each tile it can launch plus a forced split-k. Restores the defaults afterwards.
    /// </summary>
    private IEnumerable<string> GemmVariants(bool includeSplits = true)
    {
        yield return "default";
        if (_candidate is not IlgpuBackend ilgpu) yield break;
        foreach (var tile in Enum.GetValues<GemmTileSize>())
        {
            if ((int)tile / 8 * ((int)tile / 8) > ilgpu.Accelerator.MaxNumThreadsPerGroup) continue;
            ilgpu.ForcedGemmTile = tile;
            try
            {
                yield return $"tile{(int)tile}";
                if (includeSplits)
                {
                    ilgpu.ForcedGemmSplits = 3;
                    yield return $"tile{(int)tile}+split3";
                }
            }
            finally
            {
                ilgpu.ForcedGemmTile = null;
                ilgpu.ForcedGemmSplits = null;
            }
        }
    }

    /// <summary>For an ILGPU candidate: 40 k splits forced (as many as k allows), more than one fold's width.</summary>
    private IEnumerable<string> ManySplitsVariant()
    {
        if (_candidate is not IlgpuBackend ilgpu) yield break;
        ilgpu.ForcedGemmSplits = 40;
        try
        {
            yield return "split40";
        }
        finally
        {
            ilgpu.ForcedGemmSplits = null;
        }
    }

    /// <summary>The default plan, and for an ILGPU candidate long reductions forced into 3 slices (partial sums + a second pass).</summary>
    private IEnumerable<string> SliceVariants()
    {
        yield return "default";
        if (_candidate is not IlgpuBackend ilgpu) yield break;
        ilgpu.ForcedReductionSlices = 3;
        try
        {
            yield return "3 slices";
        }
        finally
        {
            ilgpu.ForcedReductionSlices = null;
        }
    }

    /// <summary>
    /// Tolerance for sums of k products of O(1) inputs (GEMM, conv, reductions): float rounding
    /// grows with k, and the backends add in different orders.
    /// </summary>
    private static double GemmTolerance(long k) => 1e-6 * (10 + k / 20.0);

    // ---------------------------------------------------------------- inputs

    // Not HashCode.Combine: it is seeded randomly per process, so every run drew different inputs
    // and a failing case could not be re-run on the same numbers.
    private Random RandomFor(string caseName) => new(unchecked(Seed * 1_000_003 + StableHash(caseName)));

    private static int StableHash(string s)
    {
        int h = 17;
        foreach (char c in s) h = h * 31 + c;
        return h;
    }

    private float[] Uniform(string caseName, int n, float lo = -1f, float hi = 1f)
    {
        var random = RandomFor(caseName);
        var data = new float[n];
        for (int i = 0; i < n; i++) data[i] = lo + (hi - lo) * (float)random.NextDouble();
        return data;
    }

    /// <summary>Allocations, uploads and downloads on one backend for one case; releases everything at the end.</summary>
    private sealed class Session(IBackend backend) : IDisposable
    {
        private readonly List<DeviceBuffer> _buffers = new();
        private readonly List<IndexBuffer> _indices = new();

        public IBackend B => backend;

        public DeviceBuffer Up(float[] data)
        {
            var buffer = Track(backend.Allocate(data.Length));
            backend.Upload(data, buffer);
            return buffer;
        }

        /// <summary>An output buffer full of NaN: elements the kernel doesn't write show up as failures.</summary>
        public DeviceBuffer Out(int n)
        {
            var buffer = Track(backend.Allocate(n));
            backend.Fill(buffer, 0, n, float.NaN);
            return buffer;
        }

        public IndexBuffer Indices(int[] values)
        {
            var buffer = backend.UploadIndices(values);
            _indices.Add(buffer);
            return buffer;
        }

        public float[] Down(DeviceBuffer buffer) => Down(buffer, buffer.Length);

        public float[] Down(DeviceBuffer buffer, int n)
        {
            var result = new float[n];
            backend.Download(buffer, 0, result);
            return result;
        }

        private DeviceBuffer Track(DeviceBuffer buffer)
        {
            _buffers.Add(buffer);
            return buffer;
        }

        public void Dispose()
        {
            foreach (var b in _buffers) b.Release();
            foreach (var i in _indices) i.Dispose();
        }
    }
}
