using BenchmarkDotNet.Running;

namespace KernelGan.Bench;

public static class Program
{
    /// <summary>BenchmarkDotNet's switcher (e.g. --filter '*Conv*'). The per-kernel step profile is `kernelgan bench profile`.</summary>
    public static int Main(string[] args)
    {
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
