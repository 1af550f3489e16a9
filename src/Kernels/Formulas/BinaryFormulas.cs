using System.Runtime.CompilerServices;

namespace KernelGan.Kernels.Formulas;

/// <summary>One pointwise function y = f(a, b) of two operands and its two partial derivatives, generic over the number type.</summary>
internal interface IBinaryFormula
{
    static abstract T Forward<T>(T a, T b) where T : struct, IFloats<T>;

    /// <summary>gy * df/da.</summary>
    static abstract T GradientA<T>(T a, T b, T gy) where T : struct, IFloats<T>;

    /// <summary>gy * df/db.</summary>
    static abstract T GradientB<T>(T a, T b, T gy) where T : struct, IFloats<T>;
}

/// <summary>
/// The formula of every <see cref="BinaryOp"/>, written once for the CPU's SIMD and scalar loops,
/// the ILGPU broadcast kernels and the <see cref="Pointwise"/> reference (see <see cref="UnaryFormulas"/>).
/// </summary>
internal static class BinaryFormulas
{
    public readonly struct Add : IBinaryFormula
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Forward<T>(T a, T b) where T : struct, IFloats<T> => a + b;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T GradientA<T>(T a, T b, T gy) where T : struct, IFloats<T> => gy;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T GradientB<T>(T a, T b, T gy) where T : struct, IFloats<T> => gy;
    }

    public readonly struct Sub : IBinaryFormula
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Forward<T>(T a, T b) where T : struct, IFloats<T> => a - b;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T GradientA<T>(T a, T b, T gy) where T : struct, IFloats<T> => gy;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T GradientB<T>(T a, T b, T gy) where T : struct, IFloats<T> => -gy;
    }

    public readonly struct Mul : IBinaryFormula
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Forward<T>(T a, T b) where T : struct, IFloats<T> => a * b;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T GradientA<T>(T a, T b, T gy) where T : struct, IFloats<T> => gy * b;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T GradientB<T>(T a, T b, T gy) where T : struct, IFloats<T> => gy * a;
    }

    public readonly struct Div : IBinaryFormula
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Forward<T>(T a, T b) where T : struct, IFloats<T> => a / b;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T GradientA<T>(T a, T b, T gy) where T : struct, IFloats<T> => gy / b;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T GradientB<T>(T a, T b, T gy) where T : struct, IFloats<T> => -gy * a / (b * b);
    }

    /// <summary>min(a, b); the gradient goes to a where a &lt;= b (ties to a), else to b.</summary>
    public readonly struct Min : IBinaryFormula
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Forward<T>(T a, T b) where T : struct, IFloats<T> => T.Min(a, b);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T GradientA<T>(T a, T b, T gy) where T : struct, IFloats<T> => T.Select(T.LessThanOrEqual(a, b), gy, T.Zero);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T GradientB<T>(T a, T b, T gy) where T : struct, IFloats<T> => T.Select(T.LessThanOrEqual(a, b), T.Zero, gy);
    }

    /// <summary>max(a, b); the gradient goes to a where a &gt;= b (ties to a), else to b.</summary>
    public readonly struct Max : IBinaryFormula
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Forward<T>(T a, T b) where T : struct, IFloats<T> => T.Max(a, b);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T GradientA<T>(T a, T b, T gy) where T : struct, IFloats<T> => T.Select(T.GreaterThanOrEqual(a, b), gy, T.Zero);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T GradientB<T>(T a, T b, T gy) where T : struct, IFloats<T> => T.Select(T.GreaterThanOrEqual(a, b), T.Zero, gy);
    }

    /// <summary>alpha x + beta y (<c>IBackend.Axpby</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Axpby<T>(T alpha, T x, T beta, T y) where T : struct, IFloats<T> => T.MultiplyAdd(alpha, x, beta * y);

    /// <summary>Something that runs one formula, chosen at run time by <see cref="Dispatch"/>.</summary>
    public interface IUser
    {
        void Use<TFormula>() where TFormula : struct, IBinaryFormula;
    }

    /// <summary>The one place that maps <see cref="BinaryOp"/> to its formula; false for a value outside the enum.</summary>
    public static bool Dispatch<TUser>(BinaryOp op, ref TUser user) where TUser : struct, IUser
    {
        switch (op)
        {
            case BinaryOp.Add: user.Use<Add>(); return true;
            case BinaryOp.Sub: user.Use<Sub>(); return true;
            case BinaryOp.Mul: user.Use<Mul>(); return true;
            case BinaryOp.Div: user.Use<Div>(); return true;
            case BinaryOp.Min: user.Use<Min>(); return true;
            case BinaryOp.Max: user.Use<Max>(); return true;
            default: return false;
        }
    }

    /// <summary>f(a, b) for one value of any number type.</summary>
    public static T Forward<T>(BinaryOp op, T a, T b) where T : struct, IFloats<T>
    {
        var call = new Call<T> { A = a, B = b };
        Dispatch(op, ref call);
        return call.Result;
    }

    /// <summary>gy df/da and gy df/db for one value of any number type.</summary>
    public static void Gradients<T>(BinaryOp op, T a, T b, T gy, out T ga, out T gb) where T : struct, IFloats<T>
    {
        var call = new Call<T> { A = a, B = b, Gy = gy, Backward = true };
        Dispatch(op, ref call);
        ga = call.Result;
        gb = call.ResultB;
    }

    private struct Call<T> : IUser where T : struct, IFloats<T>
    {
        public T A, B, Gy, Result, ResultB;
        public bool Backward;

        public void Use<TFormula>() where TFormula : struct, IBinaryFormula
        {
            if (Backward)
            {
                Result = TFormula.GradientA(A, B, Gy);
                ResultB = TFormula.GradientB(A, B, Gy);
            }
            else
            {
                Result = TFormula.Forward(A, B);
            }
        }
    }
}
