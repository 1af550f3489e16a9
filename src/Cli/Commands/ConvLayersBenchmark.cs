using System.Diagnostics;
using KernelGan.Gan.Models;
using KernelGan.Kernels;

namespace KernelGan.Cli.Commands;

/// <summary>
/// `kernelgan bench conv`: the three conv kernels (forward, data gradient, weight gradient) on every
/// conv layer of ref64, the shapes bench/gpu/ref64_torch.py times with cuDNN. Each figure is the
/// median over repetitions of the mean time per call of a burst of calls between two device
/// synchronizations, so launch overhead counts as it does inside a train step. Unless --warmup is
/// 0, the whole table first runs untimed for <see cref="TableWarmUp"/>: the kernels' shared code
/// (packers, drivers) reaches .NET's optimized tier only after many calls, and the first layer
/// timed, D1, was timed on unoptimized code. In turns on a Zen 5's AVX2 path, D1's forward and data
/// gradient took 1.28-2.15 and 1.20-1.49 ms with its 3 warm-up calls alone, 0.72-0.79 and 0.79-0.93
/// after the table's warm-up; the other layers alike either way.
/// </summary>
internal static class ConvLayersBenchmark
{
    /// <summary>Calls per timed burst: enough that a 20-microsecond kernel is not lost in timer noise.</summary>
    private const int CallsPerBurst = 20;

    /// <summary>How long every layer's kernels run untimed, round after round, before the first is timed.</summary>
    private static readonly TimeSpan TableWarmUp = TimeSpan.FromSeconds(1.5);

    public static int Run(IBackend backend, int batch, int repetitions, int warmup)
    {
        Console.WriteLine($"bench conv: ref64 conv layers at batch {batch} on {backend.Name} (ms per call, median of {repetitions} bursts of {CallsPerBurst})");
        Console.WriteLine($"  {"layer",-20} {"fwd",9} {"bwd-data",9} {"bwd-weight",11}   GFLOP/s fwd/data/weight");
        var layers = Ref64ConvLayers.Discriminator(batch).Concat(Ref64ConvLayers.Generator(batch))
            .Select(layer => new LayerKernels(layer, backend)).ToList();
        try
        {
            var clock = Stopwatch.StartNew();
            while (warmup > 0 && clock.Elapsed < TableWarmUp)
            {
                foreach (var layer in layers) layer.RunAll();
                backend.Synchronize();
            }

            double total = 0;
            foreach (var layer in layers)
            {
                double fwd = Time(backend, layer.Forward, repetitions, warmup);
                double data = Time(backend, layer.BackwardData, repetitions, warmup);
                double weight = Time(backend, layer.BackwardWeight, repetitions, warmup);
                total += fwd + data + weight;
                var l = layer.Layer;
                Console.WriteLine(FormattableString.Invariant(
                    $"  {l.Name,-20} {fwd,9:F4} {data,9:F4} {weight,11:F4}   {Gflops(l, fwd):F0}/{Gflops(l, data):F0}/{Gflops(l, weight):F0}"));
            }
            Console.WriteLine(FormattableString.Invariant($"total ms (all layers, three kernels each): {total:F3}"));
            return 0;
        }
        finally
        {
            foreach (var layer in layers) layer.Dispose();
        }
    }

    /// <summary>One layer's operands (random, fixed seeds) and its three kernels.</summary>
    private sealed class LayerKernels : IDisposable
    {
        public readonly ConvLayer Layer;
        private readonly IBackend _backend;
        private readonly Tensor _x, _w, _bias, _gy, _y, _gx, _gw, _gb;

        public LayerKernels(ConvLayer layer, IBackend backend)
        {
            Layer = layer;
            _backend = backend;
            var g = layer.Geometry;
            _x = new Rng(1).Uniform([g.InputSize], -1f, 1f, backend);
            _w = new Rng(2).Uniform([g.WeightSize], -0.1f, 0.1f, backend);
            _bias = new Rng(3).Uniform([g.Cout], -1f, 1f, backend);
            _gy = new Rng(4).Uniform([g.OutputSize], -1f, 1f, backend);
            _y = Tensor.Zeros([g.OutputSize], backend);
            _gx = Tensor.Zeros([g.InputSize], backend);
            _gw = Tensor.Zeros([g.WeightSize], backend);
            _gb = Tensor.Zeros([g.Cout], backend);
        }

        public void Forward() => _backend.Conv2dForward(Layer.Geometry, _x.Buffer, _w.Buffer, _bias.Buffer, _y.Buffer);

        public void BackwardData() => _backend.Conv2dBackwardData(Layer.Geometry, _gy.Buffer, _w.Buffer, _gx.Buffer);

        public void BackwardWeight() => _backend.Conv2dBackwardWeight(Layer.Geometry, _x.Buffer, _gy.Buffer, _gw.Buffer, _gb.Buffer);

        public void RunAll()
        {
            Forward();
            BackwardData();
            BackwardWeight();
        }

        public void Dispose()
        {
            foreach (var t in new[] { _x, _w, _bias, _gy, _y, _gx, _gw, _gb }) t.Dispose();
        }
    }

    private static double Gflops(ConvLayer layer, double ms) => layer.Flops / (ms * 1e-3) / 1e9;

    private static double Time(IBackend backend, Action call, int repetitions, int warmup)
    {
        for (int i = 0; i < warmup; i++) call();
        var perCall = new List<double>();
        for (int r = 0; r < repetitions; r++)
        {
            backend.Synchronize();
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < CallsPerBurst; i++) call();
            backend.Synchronize();
            perCall.Add(watch.Elapsed.TotalMilliseconds / CallsPerBurst);
        }
        perCall.Sort();
        return perCall[perCall.Count / 2];
    }
}
