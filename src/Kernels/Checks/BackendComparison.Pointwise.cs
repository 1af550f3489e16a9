namespace KernelGan.Kernels.Checks;

/// <summary>Unary functions and derivatives (every op, with aliasing), broadcast binary ops, axpby.</summary>
public sealed partial class BackendComparison
{
    /// <summary>Scalar parameters and an input range where each op is defined and well conditioned.</summary>
    private static (float A, float B, float Lo, float Hi) UnaryDomain(UnaryOp op) => op switch
    {
        UnaryOp.Affine => (1.5f, -0.25f, -4f, 4f),
        UnaryOp.Log or UnaryOp.Sqrt or UnaryOp.Reciprocal => (0f, 0f, 0.2f, 3f),
        UnaryOp.LeakyRelu => (0.2f, 0f, -4f, 4f),
        UnaryOp.Clamp => (-0.5f, 0.7f, -2f, 2f),
        UnaryOp.Pow => (2.5f, 0f, 0.2f, 3f),
        UnaryOp.Exp => (0f, 0f, -6f, 6f),
        _ => (0f, 0f, -5f, 5f),
    };

    private static double UnaryTolerance(UnaryOp op) => op switch
    {
        UnaryOp.Affine or UnaryOp.Abs or UnaryOp.Square or UnaryOp.Relu or UnaryOp.LeakyRelu or UnaryOp.Clamp => 1e-6,
        UnaryOp.Sqrt or UnaryOp.Reciprocal => 1e-6,
        _ => 1e-5, // exp/log-based: a few ulp on each backend
    };

    private void CheckPointwise()
    {
        int n = Tiny ? 37 : (1 << 20) + 3;
        foreach (var op in Enum.GetValues<UnaryOp>())
        {
            var (a, b, lo, hi) = UnaryDomain(op);
            var x = Uniform($"unary-{op}", n, lo, hi);
            var y = x.Select(v => Pointwise.Apply(op, v, a, b)).ToArray();
            var gy = Uniform($"unary-gy-{op}", n);
            double tol = UnaryTolerance(op);
            Compare("Unary", $"{op} n={n}", tol, s =>
            {
                var bx = s.Up(x);
                var by = s.Out(n);
                s.B.Unary(op, bx, by, n, a, b);
                return [s.Down(by)];
            });
            Compare("UnaryBackward", $"{op} n={n}", tol, s =>
            {
                var gx = s.Out(n);
                s.B.UnaryBackward(op, s.Up(x), s.Up(y), s.Up(gy), gx, n, a, b);
                return [s.Down(gx)];
            });
        }

        // Aliasing: y = x and gx = gy (the contract allows both).
        foreach (var op in new[] { UnaryOp.Tanh, UnaryOp.Affine, UnaryOp.Pow })
        {
            var (a, b, lo, hi) = UnaryDomain(op);
            var x = Uniform($"alias-{op}", n, lo, hi);
            var y = x.Select(v => Pointwise.Apply(op, v, a, b)).ToArray();
            var gy = Uniform($"alias-gy-{op}", n);
            Compare("Unary", $"{op} in place (y aliases x)", UnaryTolerance(op), s =>
            {
                var bx = s.Up(x);
                s.B.Unary(op, bx, bx, n, a, b);
                return [s.Down(bx)];
            });
            Compare("UnaryBackward", $"{op} in place (gx aliases gy)", UnaryTolerance(op), s =>
            {
                var g = s.Up(gy);
                s.B.UnaryBackward(op, s.Up(x), s.Up(y), g, g, n, a, b);
                return [s.Down(g)];
            });
        }

        // Pow at a negative base needs an integer exponent.
        var negative = Uniform("pow-negative", n, -3f, -0.2f);
        Compare("Unary", "Pow a=3 on negative x", 1e-5, s =>
        {
            var by = s.Out(n);
            s.B.Unary(UnaryOp.Pow, s.Up(negative), by, n, 3f);
            return [s.Down(by)];
        });

        var ax = Uniform("axpby-x", n);
        var ay = Uniform("axpby-y", n);
        Compare("Axpby", $"alpha=0.5 beta=-1.25 n={n}", 1e-6, s =>
        {
            var by = s.Up(ay);
            s.B.Axpby(0.5f, s.Up(ax), -1.25f, by, n);
            return [s.Down(by)];
        });
    }

    private void CheckBroadcast()
    {
        (int[] A, int[] B)[] patterns = Tiny
            ?
            [
                ([2, 3, 4, 5], [2, 3, 4, 5]),
                ([2, 3, 4, 5], [1, 3, 1, 1]),
                ([2, 3, 4, 5], [1, 1, 1, 1]),
                ([2, 1, 4, 1], [1, 3, 1, 5]),
                ([1, 3, 1, 5], [2, 3, 4, 5]),
                ([2, 1, 3, 1, 2, 3], [1, 2, 1, 2, 1, 3]),
                ([7], [7]),
            ]
            :
            [
                ([32, 64, 32, 32], [1, 64, 1, 1]),
                ([32, 3, 64, 64], [32, 1, 64, 64]),
                ([128, 256], [1, 256]),
                ([4096, 1], [1, 512]),
            ];
        foreach (var (aShape, bShape) in patterns)
        {
            int[] yShape = aShape.Zip(bShape, Math.Max).ToArray();
            int count = yShape.Aggregate(1, (p, d) => p * d);
            string shapes = $"{Format(aShape)} {Format(bShape)}";
            var a = Uniform($"bin-a-{shapes}", Count(aShape));
            var b = Uniform($"bin-b-{shapes}", Count(bShape), 0.5f, 2f); // away from 0 for Div
            var gy = Uniform($"bin-gy-{shapes}", count);
            foreach (var op in Enum.GetValues<BinaryOp>())
            {
                Compare("Binary", $"{op} {shapes}", 1e-6, s =>
                {
                    var y = s.Out(count);
                    s.B.Binary(op, s.Up(a), aShape, s.Up(b), bShape, y, yShape);
                    return [s.Down(y)];
                });
                Compare("BinaryBackward", $"{op} {shapes}", 1e-6, s =>
                {
                    var ga = s.Out(count);
                    var gb = s.Out(count);
                    s.B.BinaryBackward(op, s.Up(a), aShape, s.Up(b), bShape, s.Up(gy), yShape, ga, gb);
                    return [s.Down(ga), s.Down(gb)];
                });
            }
            Compare("BinaryBackward", $"Div {shapes} ga only", 1e-6, s =>
            {
                var ga = s.Out(count);
                s.B.BinaryBackward(BinaryOp.Div, s.Up(a), aShape, s.Up(b), bShape, s.Up(gy), yShape, ga, null);
                return [s.Down(ga)];
            });
            Compare("BinaryBackward", $"Max {shapes} gb only", 1e-6, s =>
            {
                var gb = s.Out(count);
                s.B.BinaryBackward(BinaryOp.Max, s.Up(a), aShape, s.Up(b), bShape, s.Up(gy), yShape, null, gb);
                return [s.Down(gb)];
            });
            if (Count(aShape) == count)
                Compare("Binary", $"Sub {shapes} in place (y aliases a)", 1e-6, s =>
                {
                    var ba = s.Up(a);
                    s.B.Binary(BinaryOp.Sub, ba, aShape, s.Up(b), bShape, ba, yShape);
                    return [s.Down(ba)];
                });
        }
    }

    private static int Count(int[] shape) => shape.Aggregate(1, (p, d) => p * d);

    private static string Format(int[] shape) => $"[{string.Join(",", shape)}]";
}
