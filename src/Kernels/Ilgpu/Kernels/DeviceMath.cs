using ILGPU;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>
/// Float32 exp, log, sin/cos and pow (the primitives <see cref="DeviceFloat"/> gives the shared
/// pointwise formulas), written with only IEEE add, mul, div, sqrt and bit moves (Cephes-style range reduction + minimax polynomials, about 1-2 ulp).
/// ILGPU maps MathF.Exp/Log/Sin on CUDA to the hardware approximations (ex2.approx, lg2.approx,
/// sin.approx: log loses all relative accuracy near 1); these give the same numbers, to rounding,
/// on ILGPU's CPU accelerator, on CUDA and on OpenCL, so one tolerance checks every device and the
/// code the CPU harness tests is the code the GPU runs.
/// </summary>
internal static class DeviceMath
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2Hi = 0.693359375f;          // exactly representable head of ln 2
    private const float Ln2Lo = -2.12194440e-4f;       // ln 2 - Ln2Hi
    private const float MaxExpArgument = 88.72283905206835f;
    private const float MinExpArgument = -103.972084f;  // below this exp underflows to 0
    private const float SqrtHalf = 0.707106781186547524f;

    /// <summary>e^x.</summary>
    public static float Exp(float x)
    {
        if (float.IsNaN(x)) return x;
        if (x > MaxExpArgument) return float.PositiveInfinity;
        if (x < MinExpArgument) return 0f;
        float n = MathF.Floor(x * Log2E + 0.5f);
        // x - n*ln2 in two steps: n*Ln2Hi is exact, so the reduced argument keeps full precision.
        float r = x - n * Ln2Hi;
        r -= n * Ln2Lo;
        float z = r * r;
        float p = ((((1.9875691500E-4f * r + 1.3981999507E-3f) * r + 8.3334519073E-3f) * r
                    + 4.1665795894E-2f) * r + 1.6666665459E-1f) * r + 5.0000001201E-1f;
        p = p * z + r + 1f;
        return ScaleByPowerOfTwo(p, (int)n);
    }

    /// <summary>Natural logarithm (NaN below 0, -inf at 0).</summary>
    public static float Log(float x)
    {
        if (float.IsNaN(x) || x == float.PositiveInfinity) return x;
        if (x < 0f) return float.NaN;
        if (x == 0f) return float.NegativeInfinity;
        int e = 0;
        if (x < 1.17549435e-38f)
        {
            // Subnormal: scale into the normal range first so the exponent field is meaningful.
            x *= 16777216f;
            e = -24;
        }
        uint bits = Interop.FloatAsInt(x);
        e += (int)((bits >> 23) & 0xFF) - 126;
        float m = Interop.IntAsFloat((bits & 0x007FFFFFu) | 0x3F000000u); // mantissa in [0.5, 1)
        if (m < SqrtHalf)
        {
            e -= 1;
            m = m + m - 1f;
        }
        else
        {
            m -= 1f;
        }
        float z = m * m;
        float y = ((((((((7.0376836292E-2f * m - 1.1514610310E-1f) * m + 1.1676998740E-1f) * m
                        - 1.2420140846E-1f) * m + 1.4249322787E-1f) * m - 1.6668057665E-1f) * m
                        + 2.0000714765E-1f) * m - 2.4999993993E-1f) * m + 3.3333331174E-1f) * m * z;
        float fe = e;
        y += Ln2Lo * fe;
        y += -0.5f * z;
        return m + y + Ln2Hi * fe;
    }

    /// <summary>sin(x) and cos(x); accurate for |x| up to a few thousand (Box-Muller needs [0, 2pi)).</summary>
    public static void SinCos(float x, out float sin, out float cos)
    {
        float sinSign = 1f, cosSign = 1f;
        if (x < 0f)
        {
            x = -x;
            sinSign = -1f;
        }
        int j = (int)(x * 1.27323954473516f); // octant = floor(x / (pi/4))
        float y = j;
        if ((j & 1) != 0)
        {
            j += 1;
            y += 1f;
        }
        j &= 7;
        if (j > 3)
        {
            sinSign = -sinSign;
            cosSign = -cosSign;
            j -= 4;
        }
        if (j > 1) cosSign = -cosSign;
        // Extended-precision reduction: x - y*pi/4 with pi/4 split into three parts.
        x = ((x - y * 0.78515625f) - y * 2.4187564849853515625e-4f) - y * 3.77489497744594108e-8f;
        float z = x * x;
        float sinPoly = ((-1.9515295891E-4f * z + 8.3321608736E-3f) * z - 1.6666654611E-1f) * z * x + x;
        float cosPoly = ((2.443315711809948E-5f * z - 1.388731625493765E-3f) * z + 4.166664568298827E-2f) * z * z
                        - 0.5f * z + 1f;
        bool swap = j == 1 || j == 2;
        sin = sinSign * (swap ? cosPoly : sinPoly);
        cos = cosSign * (swap ? sinPoly : cosPoly);
    }

    /// <summary>x^a with MathF.Pow's cases that matter here: positive x, zero, and negative x with integer a.</summary>
    public static float Pow(float x, float a)
    {
        if (a == 0f || x == 1f) return 1f;
        if (x > 0f) return Exp(a * Log(x));
        if (x == 0f) return a > 0f ? 0f : float.PositiveInfinity;
        if (float.IsNaN(x) || MathF.Floor(a) != a) return float.NaN;
        float magnitude = Exp(a * Log(-x));
        bool odd = MathF.Floor(a * 0.5f) * 2f != a;
        return odd ? -magnitude : magnitude;
    }

    /// <summary>p * 2^n for n in [-152, 128], in two exact steps where one power would leave the normal range.</summary>
    private static float ScaleByPowerOfTwo(float p, int n)
    {
        if (n > 127)
        {
            p *= PowerOfTwo(127);
            n -= 127;
        }
        else if (n < -126)
        {
            p *= PowerOfTwo(-126);
            n += 126;
        }
        return p * PowerOfTwo(n);
    }

    private static float PowerOfTwo(int e) => Interop.IntAsFloat((uint)(e + 127) << 23);
}
