namespace KernelGan.Kernels.Formulas;

/// <summary>
/// What a pointwise formula is written over: one float on the host (<see cref="HostFloat"/>), one
/// float in a GPU kernel (<c>Ilgpu.DeviceFloat</c>), or a SIMD register of floats (<c>Cpu.Simd.IVec</c>:
/// V512, V256, V128). Each formula in <see cref="UnaryFormulas"/> and <see cref="BinaryFormulas"/> is
/// a generic method over this interface, so it is written once and compiled for every one of them:
/// the JIT specialises it per struct (a register type stays in registers), and ILGPU compiles it
/// into the device kernels (it accepts these static abstract members on struct type parameters).
/// The types differ only in their primitives: exp and log are MathF's on the host, Cephes-style
/// polynomials in kernels (<c>DeviceMath</c>) and .NET's vector approximations in registers.
/// Comparisons return masks as SIMD does (all bits set where true), which <see cref="Select"/> reads.
/// </summary>
internal interface IFloats<TSelf> where TSelf : struct, IFloats<TSelf>
{
    static abstract TSelf Zero { get; }
    static abstract TSelf Broadcast(float value);

    static abstract TSelf operator +(TSelf a, TSelf b);
    static abstract TSelf operator -(TSelf a, TSelf b);
    static abstract TSelf operator *(TSelf a, TSelf b);
    static abstract TSelf operator /(TSelf a, TSelf b);
    static abstract TSelf operator -(TSelf a);
    /// <summary>Bitwise and (of masks).</summary>
    static abstract TSelf operator &(TSelf a, TSelf b);
    /// <summary>Bitwise or (of masks).</summary>
    static abstract TSelf operator |(TSelf a, TSelf b);

    /// <summary>a * b + c: fused where a SIMD path has FMA; plain multiply then add on the scalar types.</summary>
    static abstract TSelf MultiplyAdd(TSelf a, TSelf b, TSelf c);

    static abstract TSelf Min(TSelf a, TSelf b);
    static abstract TSelf Max(TSelf a, TSelf b);
    static abstract TSelf Abs(TSelf a);
    static abstract TSelf Sqrt(TSelf a);
    static abstract TSelf Exp(TSelf a);
    static abstract TSelf Log(TSelf a);
    /// <summary>x^a: MathF.Pow's cases (positive x, zero, negative x with an integer a).</summary>
    static abstract TSelf Pow(TSelf x, TSelf a);
    static abstract TSelf CopySign(TSelf value, TSelf sign);

    /// <summary>All bits set where a &gt; b, zero elsewhere (NaN compares false).</summary>
    static abstract TSelf GreaterThan(TSelf a, TSelf b);
    static abstract TSelf LessThan(TSelf a, TSelf b);
    static abstract TSelf LessThanOrEqual(TSelf a, TSelf b);
    static abstract TSelf GreaterThanOrEqual(TSelf a, TSelf b);
    /// <summary>ifTrue where the mask is set, ifFalse elsewhere.</summary>
    static abstract TSelf Select(TSelf mask, TSelf ifTrue, TSelf ifFalse);
}
