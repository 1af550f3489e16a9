namespace KernelGan.Kernels.Ilgpu;

/// <summary>
/// Four floats handled as one 16-byte value. Reading one from a 16-byte aligned shared array
/// compiles to a single ld.shared.v4.f32, and a Float4 local lives in four registers.
/// </summary>
internal struct Float4
{
    public float X, Y, Z, W;

    /// <summary>a * b + c, lane by lane (ptxas contracts each pair into one FFMA).</summary>
    public static Float4 MulAdd(float a, Float4 b, Float4 c) => new()
    {
        X = a * b.X + c.X,
        Y = a * b.Y + c.Y,
        Z = a * b.Z + c.Z,
        W = a * b.W + c.W,
    };
}
