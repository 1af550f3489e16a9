using KernelGan.Kernels.Ilgpu;

namespace KernelGan.Kernels.Checks;

/// <summary>Reductions, GEMM (layouts, odd sizes, alpha/beta, batches, offsets) and the convolution kernels.</summary>
public sealed partial class BackendComparison
{
    private void CheckReductions()
    {
        (int Outer, int Mid, int Inner)[] shapes = Tiny
            ? [(3, 5, 4), (4, 100, 1), (2, 40, 13), (1, 300, 1), (1, 17, 70), (5, 1, 3)]
            : [(1, 1 << 20, 1), (256, 4096, 1), (1, 32, 65536), (64, 1000, 64)];
        foreach (var (outer, mid, inner) in shapes)
        {
            string name = $"[{outer},{mid},{inner}]";
            var x = Uniform($"reduce-{name}", outer * mid * inner);
            foreach (var variant in SliceVariants())
                Compare("ReduceSum", $"{name} {variant}", 1e-6 * (10 + mid / 20.0), s =>
                {
                    var y = s.Out(outer * inner);
                    s.B.ReduceSum(s.Up(x), y, outer, mid, inner);
                    return [s.Down(y)];
                });
            var scaled = x.Select(v => 10f * v).ToArray();
            Compare("LogSumExp", name, 1e-5, s =>
            {
                var y = s.Out(outer * inner);
                s.B.LogSumExp(s.Up(scaled), y, outer, mid, inner);
                return [s.Down(y)];
            });
        }
        // A row of -inf (log of all-zero probabilities) must give -inf, not NaN.
        int m = Tiny ? 30 : 5000;
        var withEmptyRow = Uniform("lse-inf", 2 * m);
        Array.Fill(withEmptyRow, float.NegativeInfinity, m, m);
        Compare("LogSumExp", $"[2,{m},1] second row all -inf", 1e-5, s =>
        {
            var y = s.Out(2);
            s.B.LogSumExp(s.Up(withEmptyRow), y, 2, m, 1);
            return [s.Down(y)];
        });
    }

    private void CheckGemm()
    {
        (int M, int N, int K)[] sizes = Tiny
            ? [(1, 1, 1), (7, 5, 3), (33, 17, 40), (40, 70, 9)]
            : [(512, 512, 512), (1000, 300, 777), (64, 512, 8192), (4096, 32, 128), (129, 257, 1000), (32, 48, 32768)];
        foreach (var (m, n, k) in sizes)
        {
            bool first = (m, n, k) == sizes[0];
            foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
            foreach (float beta in new[] { 0f, 0.5f })
                GemmCase($"{m}x{n}x{k}", m, n, k, ta, tb, 1.5f, beta, first ? GemmVariants() : ["default"]);
        }
        // The variants (every tile the candidate can launch, split-k, and enough splits to be folded
        // before the final sum) on a shape with partial tiles.
        var (vm, vn, vk) = Tiny ? (33, 17, 40) : (300, 200, 2000);
        foreach (bool ta in new[] { false, true })
        foreach (bool tb in new[] { false, true })
            GemmCase($"{vm}x{vn}x{vk}", vm, vn, vk, ta, tb, 1f, 0.5f, GemmVariants().Skip(1).Concat(ManySplitsVariant()));
        GemmCase("k=0", 4, 3, 0, false, false, 1f, 0.5f, ["default"]);
        GemmCase("k=0", 4, 3, 0, false, false, 1f, 0f, ["default"]);
        BatchedGemmCase();
    }

    private void GemmCase(string size, int m, int n, int k, bool ta, bool tb, float alpha, float beta, IEnumerable<string> variants)
    {
        string layout = $"{(ta ? "T" : "N")}{(tb ? "T" : "N")}";
        var a = Uniform($"gemm-a-{size}-{layout}", Math.Max(1, m * k));
        var b = Uniform($"gemm-b-{size}-{layout}", Math.Max(1, k * n));
        // beta = 0 must ignore C entirely, NaN included.
        var c = beta == 0f ? Enumerable.Repeat(float.NaN, m * n).ToArray() : Uniform($"gemm-c-{size}", m * n);
        foreach (var variant in variants)
            Compare("Gemm", $"{size} {layout} alpha={alpha} beta={beta} {variant}", GemmTolerance(k), s =>
            {
                var bc = s.Up(c);
                s.B.Gemm(ta, tb, m, n, k, alpha, s.Up(a), 0, ta ? m : k, 0, s.Up(b), 0, tb ? k : n, 0, beta, bc, 0, n, 0);
                return [s.Down(bc)];
            });
    }

    /// <summary>Batched, with offsets, padded leading dimensions, a shared (stride 0) B, and untouched gaps in C.</summary>
    private void BatchedGemmCase()
    {
        int m = Tiny ? 5 : 64, n = Tiny ? 9 : 96, k = Tiny ? 4 : 80, batch = Tiny ? 3 : 100;
        int lda = k + 2, ldb = n + 1, ldc = n + 3;
        long strideA = m * lda + 1, strideC = m * ldc + 2;
        var a = Uniform("batched-a", (int)(2 + batch * strideA));
        var b = Uniform("batched-b", 1 + k * ldb);
        var c = Uniform("batched-c", (int)(3 + batch * strideC));
        foreach (var variant in GemmVariants())
            Compare("Gemm", $"batch={batch} {m}x{n}x{k} offsets, lda/ldb/ldc padded, strideB=0 {variant}", GemmTolerance(k), s =>
            {
                var bc = s.Up(c);
                s.B.Gemm(false, false, m, n, k, 0.75f, s.Up(a), 2, lda, strideA, s.Up(b), 1, ldb, 0, 0.25f, bc, 3, ldc, strideC, batch);
                return [s.Down(bc)];
            });
    }

    private void CheckConvolution()
    {
        ConvGeometry[] geometries = Tiny
            ?
            [
                new(2, 3, 9, 9, 5, 3, 3, 1, 1, 1, 1),
                new(3, 4, 16, 16, 8, 4, 4, 2, 2, 1, 1),
                new(2, 5, 7, 7, 3, 1, 1, 1, 1, 0, 0),
                new(1, 2, 6, 6, 4, 4, 4, 1, 1, 0, 0),
                new(2, 3, 8, 8, 2, 3, 3, 2, 2, 0, 0),
                new(2, 3, 7, 10, 4, 3, 2, 2, 1, 1, 0),
            ]
            :
            [
                // ref64 discriminator at batch 16.
                ConvGeometry.Square(16, 3, 64, 32, 4, 2, 1), ConvGeometry.Square(16, 32, 32, 64, 4, 2, 1),
                ConvGeometry.Square(16, 64, 16, 128, 4, 2, 1), ConvGeometry.Square(16, 128, 8, 256, 4, 2, 1),
                ConvGeometry.Square(16, 256, 4, 1, 4, 1, 0),
                // ref64 generator: each ConvTranspose2d is the data gradient of this convolution.
                ConvGeometry.Square(16, 256, 4, 128, 4, 1, 0), ConvGeometry.Square(16, 128, 8, 256, 4, 2, 1),
                ConvGeometry.Square(16, 64, 16, 128, 4, 2, 1), ConvGeometry.Square(16, 32, 32, 64, 4, 2, 1),
                ConvGeometry.Square(16, 4, 64, 32, 4, 2, 1),
                // 1x1 (no unfold).
                ConvGeometry.Square(16, 64, 32, 32, 1, 1, 0),
            ];
        for (int gi = 0; gi < geometries.Length; gi++)
        {
            var g = geometries[gi];
            var variants = gi < 2 ? GemmVariants().Concat(ChunkedVariant()) : ["default"];
            foreach (var variant in variants) ConvCase(g, variant);
        }
    }

    /// <summary>For an ILGPU candidate: one image per GEMM (the chunking path of large batches).</summary>
    private IEnumerable<string> ChunkedVariant()
    {
        if (_candidate is not IlgpuBackend ilgpu) yield break;
        long budget = ilgpu.ConvColumnBudget;
        ilgpu.ConvColumnBudget = 1;
        try
        {
            yield return "one image per chunk";
        }
        finally
        {
            ilgpu.ConvColumnBudget = budget;
        }
    }

    private void ConvCase(ConvGeometry g, string variant)
    {
        string name = $"{g} {variant}";
        var x = Uniform($"conv-x-{g}", g.InputSize);
        var w = Uniform($"conv-w-{g}", g.WeightSize);
        var bias = Uniform($"conv-b-{g}", g.Cout);
        var gy = Uniform($"conv-gy-{g}", g.OutputSize);
        long depth = (long)g.Cin * g.Kh * g.Kw;
        Compare("Conv2dForward", $"{name} bias", GemmTolerance(depth), s =>
        {
            var y = s.Out(g.OutputSize);
            s.B.Conv2dForward(g, s.Up(x), s.Up(w), s.Up(bias), y);
            return [s.Down(y)];
        });
        Compare("Conv2dForward", $"{name} no bias", GemmTolerance(depth), s =>
        {
            var y = s.Out(g.OutputSize);
            s.B.Conv2dForward(g, s.Up(x), s.Up(w), null, y);
            return [s.Down(y)];
        });
        Compare("Conv2dBackwardData", name, GemmTolerance((long)g.Cout * g.Kh * g.Kw), s =>
        {
            var gx = s.Out(g.InputSize);
            s.B.Conv2dBackwardData(g, s.Up(gy), s.Up(w), gx);
            return [s.Down(gx)];
        });
        long reduction = (long)g.N * g.Hout * g.Wout;
        Compare("Conv2dBackwardWeight", $"{name} with bias", GemmTolerance(reduction), s =>
        {
            var gw = s.Out(g.WeightSize);
            var gb = s.Out(g.Cout);
            s.B.Conv2dBackwardWeight(g, s.Up(x), s.Up(gy), gw, gb);
            return [s.Down(gw), s.Down(gb)];
        });
        Compare("Conv2dBackwardWeight", $"{name} no bias", GemmTolerance(reduction), s =>
        {
            var gw = s.Out(g.WeightSize);
            s.B.Conv2dBackwardWeight(g, s.Up(x), s.Up(gy), gw, null);
            return [s.Down(gw)];
        });
    }
}
