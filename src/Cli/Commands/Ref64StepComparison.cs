using System.Diagnostics;
using KernelGan.Gan.Ilsgan;
using KernelGan.Gan.Models;
using KernelGan.Kernels;
using KernelGan.Kernels.Cpu;

namespace KernelGan.Cli.Commands;

/// <summary>
/// A few ref64 ILSGAN train steps from the same seed and data on the CPU backend and on a device:
/// the device's losses must track the CPU's. Used by `selftest` and by the tests that run the
/// kernels on a real OpenCL runtime.
/// </summary>
public static class Ref64StepComparison
{
    public sealed record Step(int Number, float CpuLossD, float CpuLossG, float DeviceLossD, float DeviceLossG, bool Match, double DeviceMs)
    {
        public override string ToString() => FormattableString.Invariant(
            $"ref64 step {Number}: cpu loss_d {CpuLossD:F5} loss_g {CpuLossG:F5} | device loss_d {DeviceLossD:F5} loss_g {DeviceLossG:F5} | {(Match ? "ok" : "MISMATCH")} | device {DeviceMs:F1} ms");
    }

    public static List<Step> Run(CpuBackend reference, IBackend device, int steps, int batch, Action<Step>? progress = null)
    {
        var config = new IlsganConfig { Architecture = Architecture.Preset("ref64", 64), Batch = batch, SigmaEarly = 1f, SigmaLate = 1f };
        var cpu = new IlsganTrainer(config, reference);
        var dev = new IlsganTrainer(config, device);
        var realData = new Rng(99).Uniform([batch, 3, 64, 64], -1f, 1f, reference).ToArray();
        using var realCpu = Tensor.FromArray(realData, [batch, 3, 64, 64], reference);
        using var realDev = Tensor.FromArray(realData, [batch, 3, 64, 64], device);
        var result = new List<Step>();
        for (int i = 0; i < steps; i++)
        {
            var a = cpu.TrainStep(realCpu);
            device.Synchronize();
            var sw = Stopwatch.StartNew();
            var b = dev.TrainStep(realDev);
            device.Synchronize();
            // Device transcendentals and summation order differ in the last bits, and GAN steps
            // amplify differences, so the check is loose and tightest at the first step.
            double tol = 1e-3 * (1 + i);
            bool match = Close(a.LossD, b.LossD, tol) && Close(a.LossG, b.LossG, tol);
            var step = new Step(i + 1, a.LossD, a.LossG, b.LossD, b.LossG, match, sw.Elapsed.TotalMilliseconds);
            result.Add(step);
            progress?.Invoke(step);
        }
        return result;
    }

    // NaN never matches: a comparison with NaN is false.
    private static bool Close(float a, float b, double tol) => Math.Abs(a - b) <= tol * (1 + Math.Abs(a));
}
