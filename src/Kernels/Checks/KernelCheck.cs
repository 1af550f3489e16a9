namespace KernelGan.Kernels.Checks;

/// <summary>
/// One compared kernel call: the IBackend member, the case (shapes, flags), and the worst
/// disagreement between candidate and reference over all of the call's outputs. The relative
/// error is |candidate - reference| / max(1, |reference|): relative for large values, absolute
/// near zero, so a tolerance means the same thing for every kernel.
/// </summary>
public sealed record KernelCheck(string Kernel, string Case, double MaxAbsError, double MaxRelError, double Tolerance, bool Pass, string? Problem = null)
{
    public override string ToString() =>
        $"{(Pass ? "ok  " : "FAIL")} {Kernel,-24} {Case,-52} abs {MaxAbsError,9:E2}  rel {MaxRelError,9:E2}  tol {Tolerance,7:E1}"
        + (Problem is null ? "" : $"  {Problem}");
}

/// <summary>Problem sizes of a comparison run.</summary>
public enum ComparisonScale
{
    /// <summary>Small odd shapes that still reach every code path: for ILGPU's CPU simulator.</summary>
    Tiny,

    /// <summary>Model-sized shapes (the ref64 convolutions, large GEMMs): for real GPUs.</summary>
    Realistic,
}
