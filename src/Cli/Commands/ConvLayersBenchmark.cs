using System.Diagnostics;
using KernelGan.Gan.Models;
using KernelGan.Kernels;

namespace KernelGan.Cli.Commands;

/// <summary>
/// `kernelgan bench conv`: the three conv kernels (forward, data gradient, weight gradient) on every
/// conv layer of ref64, the shapes bench/gpu/ref64_torch.py times with cuDNN. Each figure is the
/// median over repetitions of the mean time per call of a burst of calls between two device
/// synchronizations, so launch overhead counts as it does inside a train step.
/// </summary>
internal static class ConvLayersBenchmark
{
    /// <summary>Calls per timed burst: enough that a 20-microsecond kernel is not lost in timer noise.</summary>
    private const int CallsPerBurst = 20;

    public static int Run(IBackend backend, int batch, int repetitions, int warmup)
    {
        Console.WriteLine($"bench conv: ref64 conv layers at batch {batch} on {backend.Name} (ms per call, median of {repetitions} bursts of {CallsPerBurst})");
        Console.WriteLine($"  {"layer",-20} {"fwd",9} {"bwd-data",9} {"bwd-weight",11}   GFLOP/s fwd/data/weight");
        double total = 0;
        foreach (var layer in Ref64ConvLayers.Discriminator(batch).Concat(Ref64ConvLayers.Generator(batch)))
        {
            var g = layer.Geometry;
            using var x = new Rng(1).Uniform([g.InputSize], -1f, 1f, backend);
            using var w = new Rng(2).Uniform([g.WeightSize], -0.1f, 0.1f, backend);
            using var bias = new Rng(3).Uniform([g.Cout], -1f, 1f, backend);
            using var gy = new Rng(4).Uniform([g.OutputSize], -1f, 1f, backend);
            using var y = Tensor.Zeros([g.OutputSize], backend);
            using var gx = Tensor.Zeros([g.InputSize], backend);
            using var gw = Tensor.Zeros([g.WeightSize], backend);
            using var gb = Tensor.Zeros([g.Cout], backend);
            double fwd = Time(backend, () => backend.Conv2dForward(g, x.Buffer, w.Buffer, bias.Buffer, y.Buffer), repetitions, warmup);
            double data = Time(backend, () => backend.Conv2dBackwardData(g, gy.Buffer, w.Buffer, gx.Buffer), repetitions, warmup);
            double weight = Time(backend, () => backend.Conv2dBackwardWeight(g, x.Buffer, gy.Buffer, gw.Buffer, gb.Buffer), repetitions, warmup);
            total += fwd + data + weight;
            Console.WriteLine(FormattableString.Invariant(
                $"  {layer.Name,-20} {fwd,9:F4} {data,9:F4} {weight,11:F4}   {Gflops(layer, fwd):F0}/{Gflops(layer, data):F0}/{Gflops(layer, weight):F0}"));
        }
        Console.WriteLine(FormattableString.Invariant($"total ms (all layers, three kernels each): {total:F3}"));
        return 0;
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
