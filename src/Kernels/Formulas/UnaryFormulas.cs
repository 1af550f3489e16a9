using System.Runtime.CompilerServices;

namespace KernelGan.Kernels.Formulas;

/// <summary>One pointwise function y = f(x; a, b) and its derivative, generic over the number type.</summary>
internal interface IUnaryFormula
{
    static abstract T Forward<T>(T x, T a, T b) where T : struct, IFloats<T>;

    /// <summary>gy * f'(x), from the input x and the forward output y (whichever is cheaper).</summary>
    static abstract T Backward<T>(T x, T y, T gy, T a, T b) where T : struct, IFloats<T>;
}

/// <summary>
/// The formula of every <see cref="UnaryOp"/>, written once: the CPU backend runs them on SIMD
/// registers and on single floats (its scalar tails), the ILGPU kernels on device floats, and
/// <see cref="Pointwise"/> on host floats as the reference. The parameters a and b are used only
/// where <see cref="UnaryOp"/> says.
/// </summary>
internal static class UnaryFormulas
{
    public readonly struct Affine : IUnaryFormula
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Forward<T>(T x, T a, T b) where T : struct, IFloats<T> => T.MultiplyAdd(x, a, b);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Backward<T>(T x, T y, T gy, T a, T b) where T : struct, IFloats<T> => gy * a;
    }

    public readonly struct Exp : IUnaryFormula
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Forward<T>(T x, T a, T b) where T : struct, IFloats<T> => T.Exp(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Backward<T>(T x, T y, T gy, T a, T b) where T : struct, IFloats<T> => gy * y;
    }

    public readonly struct Log : IUnaryFormula
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Forward<T>(T x, T a, T b) where T : struct, IFloats<T> => T.Log(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Backward<T>(T x, T y, T gy, T a, T b) where T : struct, IFloats<T> => gy / x;
    }

    public readonly struct Sqrt : IUnaryFormula
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Forward<T>(T x, T a, T b) where T : struct, IFloats<T> => T.Sqrt(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Backward<T>(T x, T y, T gy, T a, T b) where T : struct, IFloats<T> => gy * T.Broadcast(0.5f) / y;
    }

    public readonly struct Abs : IUnaryFormula
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Forward<T>(T x, T a, T b) where T : struct, IFloats<T> => T.Abs(x);

        /// <summary>sign(x) gy, and 0 at x = 0 (the subgradient the other ops' kinks use too).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Backward<T>(T x, T y, T gy, T a, T b) where T : struct, IFloats<T> =>
            T.Select(T.GreaterThan(x, T.Zero), gy, T.Select(T.LessThan(x, T.Zero), -gy, T.Zero));
    }

    public readonly struct Square : IUnaryFormula
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Forward<T>(T x, T a, T b) where T : struct, IFloats<T> => x * x;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Backward<T>(T x, T y, T gy, T a, T b) where T : struct, IFloats<T> => gy * T.Broadcast(2f) * x;
    }

    public readonly struct Reciprocal : IUnaryFormula
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Forward<T>(T x, T a, T b) where T : struct, IFloats<T> => T.Broadcast(1f) / x;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Backward<T>(T x, T y, T gy, T a, T b) where T : struct, IFloats<T> => -gy * y * y;
    }

    public readonly struct Relu : IUnaryFormula
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Forward<T>(T x, T a, T b) where T : struct, IFloats<T> => T.Select(T.GreaterThan(x, T.Zero), x, T.Zero);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Backward<T>(T x, T y, T gy, T a, T b) where T : struct, IFloats<T> => T.Select(T.GreaterThan(x, T.Zero), gy, T.Zero);
    }

    /// <summary>x where x &gt; 0, else a x.</summary>
    public readonly struct LeakyRelu : IUnaryFormula
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Forward<T>(T x, T a, T b) where T : struct, IFloats<T> => T.Select(T.GreaterThan(x, T.Zero), x, a * x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Backward<T>(T x, T y, T gy, T a, T b) where T : struct, IFloats<T> => T.Select(T.GreaterThan(x, T.Zero), gy, a * gy);
    }

    /// <summary>1 / (1 + e^-x): where e^-x overflows, 1/inf is the right limit 0, so no branch is needed.</summary>
    public readonly struct Sigmoid : IUnaryFormula
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Forward<T>(T x, T a, T b) where T : struct, IFloats<T> => T.Broadcast(1f) / (T.Broadcast(1f) + T.Exp(-x));
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Backward<T>(T x, T y, T gy, T a, T b) where T : struct, IFloats<T> => gy * y * (T.Broadcast(1f) - y);
    }

    /// <summary>
    /// tanh(x) = sign(x) (1 - 2 / (e^{2|x|} + 1)): no overflow, no cancellation for large |x|; below
    /// |x| = 1/16, where 1 - 2/(e+1) loses digits, the odd Taylor series to x^7.
    /// </summary>
    public readonly struct Tanh : IUnaryFormula
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Forward<T>(T x, T a, T b) where T : struct, IFloats<T>
        {
            var ax = T.Abs(x);
            var t = T.Broadcast(1f) - T.Broadcast(2f) / (T.Exp(ax + ax) + T.Broadcast(1f));
            var x2 = x * x;
            var series = ax * (T.Broadcast(1f) + x2 * (T.Broadcast(-1f / 3f) + x2 * (T.Broadcast(2f / 15f) + x2 * T.Broadcast(-17f / 315f))));
            return T.CopySign(T.Select(T.LessThan(ax, T.Broadcast(0.0625f)), series, t), x);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Backward<T>(T x, T y, T gy, T a, T b) where T : struct, IFloats<T> => gy * (T.Broadcast(1f) - y * y);
    }

    /// <summary>log(1 + e^x) as max(x, 0) + log(1 + e^-|x|): never overflows.</summary>
    public readonly struct Softplus : IUnaryFormula
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Forward<T>(T x, T a, T b) where T : struct, IFloats<T> =>
            T.Max(x, T.Zero) + T.Log(T.Broadcast(1f) + T.Exp(-T.Abs(x)));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Backward<T>(T x, T y, T gy, T a, T b) where T : struct, IFloats<T> => gy * Sigmoid.Forward(x, a, b);
    }

    /// <summary>min(max(x, a), b); the gradient passes where a &lt;= x &lt;= b.</summary>
    public readonly struct Clamp : IUnaryFormula
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Forward<T>(T x, T a, T b) where T : struct, IFloats<T> => T.Min(T.Max(x, a), b);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Backward<T>(T x, T y, T gy, T a, T b) where T : struct, IFloats<T> =>
            T.Select(T.GreaterThanOrEqual(x, a) & T.LessThanOrEqual(x, b), gy, T.Zero);
    }

    /// <summary>x^a.</summary>
    public readonly struct Pow : IUnaryFormula
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Forward<T>(T x, T a, T b) where T : struct, IFloats<T> => T.Pow(x, a);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Backward<T>(T x, T y, T gy, T a, T b) where T : struct, IFloats<T> => gy * a * T.Pow(x, a - T.Broadcast(1f));
    }

    /// <summary>Something that runs one formula, chosen at run time by <see cref="Dispatch"/> (a kernel loop, one evaluation).</summary>
    public interface IUser
    {
        void Use<TFormula>() where TFormula : struct, IUnaryFormula;
    }

    /// <summary>
    /// The one place that maps <see cref="UnaryOp"/> to its formula: calls <c>user.Use&lt;Formula&gt;()</c>.
    /// False for a value outside the enum (device code cannot throw; host callers do).
    /// </summary>
    public static bool Dispatch<TUser>(UnaryOp op, ref TUser user) where TUser : struct, IUser
    {
        switch (op)
        {
            case UnaryOp.Affine: user.Use<Affine>(); return true;
            case UnaryOp.Exp: user.Use<Exp>(); return true;
            case UnaryOp.Log: user.Use<Log>(); return true;
            case UnaryOp.Sqrt: user.Use<Sqrt>(); return true;
            case UnaryOp.Abs: user.Use<Abs>(); return true;
            case UnaryOp.Square: user.Use<Square>(); return true;
            case UnaryOp.Reciprocal: user.Use<Reciprocal>(); return true;
            case UnaryOp.Relu: user.Use<Relu>(); return true;
            case UnaryOp.LeakyRelu: user.Use<LeakyRelu>(); return true;
            case UnaryOp.Sigmoid: user.Use<Sigmoid>(); return true;
            case UnaryOp.Tanh: user.Use<Tanh>(); return true;
            case UnaryOp.Softplus: user.Use<Softplus>(); return true;
            case UnaryOp.Clamp: user.Use<Clamp>(); return true;
            case UnaryOp.Pow: user.Use<Pow>(); return true;
            default: return false;
        }
    }

    /// <summary>f(x; a, b) for one value of any number type (host reference, device kernels).</summary>
    public static T Forward<T>(UnaryOp op, T x, T a, T b) where T : struct, IFloats<T>
    {
        var call = new ForwardCall<T> { X = x, A = a, B = b };
        Dispatch(op, ref call);
        return call.Result;
    }

    /// <summary>gy f'(x) for one value of any number type.</summary>
    public static T Backward<T>(UnaryOp op, T x, T y, T gy, T a, T b) where T : struct, IFloats<T>
    {
        var call = new BackwardCall<T> { X = x, Y = y, Gy = gy, A = a, B = b };
        Dispatch(op, ref call);
        return call.Result;
    }

    private struct ForwardCall<T> : IUser where T : struct, IFloats<T>
    {
        public T X, A, B, Result;
        public void Use<TFormula>() where TFormula : struct, IUnaryFormula => Result = TFormula.Forward(X, A, B);
    }

    private struct BackwardCall<T> : IUser where T : struct, IFloats<T>
    {
        public T X, Y, Gy, A, B, Result;
        public void Use<TFormula>() where TFormula : struct, IUnaryFormula => Result = TFormula.Backward(X, Y, Gy, A, B);
    }
}
