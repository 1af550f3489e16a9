namespace KernelGan.Kernels.Checks;

/// <summary>
/// The tensor-core GEMM on a device against the same device's fp32 GEMM and against the exact
/// product of the rounded inputs, with the bounds of <see cref="GemmProblem.Check"/>: edges of every
/// tile, all four transposes, a batched strided product, and (realistic scale) a product large enough
/// for the GPU's 128-tiles. On ILGPU's simulator this checks the kernel around an emulated mma; on a
/// GPU (`kernelgan selftest --device cuda --precision tf32`) it checks the mma instruction too.
/// </summary>
public static class TensorCoreGemmCheck
{
    /// <summary>Failures, one line each (empty: pass); <paramref name="log"/> gets one line per product.</summary>
    public static List<string> Run(IBackend tensor, IBackend fp32, GemmPrecision precision, bool realistic, Action<string> log)
    {
        var random = new Random(17);
        var failures = new List<string>();
        var shapes = new List<(int M, int N, int K)> { (37, 45, 29), (64, 32, 48), (1, 70, 17), (33, 9, 5) };
        if (realistic) shapes.AddRange([(300, 260, 700), (128, 4096, 1024)]);
        foreach (var (m, n, k) in shapes)
        foreach (bool ta in new[] { false, true })
        foreach (bool tb in new[] { false, true })
        {
            var problem = GemmProblem.Random(random, 1, m, n, k, ta, tb, gap: 0);
            failures.AddRange(problem.Check(precision, problem.Run(tensor), problem.Run(fp32), $"ta={ta} tb={tb}", log));
        }
        var batched = GemmProblem.Random(random, 3, 40, 35, 70, transA: true, transB: false, gap: 7);
        failures.AddRange(batched.Check(precision, batched.Run(tensor), batched.Run(fp32), "batched, strided", log));
        return failures;
    }
}
