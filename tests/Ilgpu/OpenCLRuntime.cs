using KernelGan.Kernels;
using Xunit;

namespace KernelGan.Tests.Ilgpu;

/// <summary>
/// The OpenCL device the OpenCL tests run on (PoCL in CI). Where none is found the tests are
/// reported as skipped, with the reason, unless KERNELGAN_REQUIRE_OPENCL=1 (set by .ci/run): then
/// they run and fail with it, so CI cannot go green without having run the kernels on OpenCL.
/// </summary>
public static class OpenCLRuntime
{
    public const string RequireVariable = "KERNELGAN_REQUIRE_OPENCL";

    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    private static readonly Lazy<(IBackend? Backend, string? Problem)> Probe = new(() =>
    {
        try
        {
            return (Device.Open("opencl"), null);
        }
        catch (DeviceException e)
        {
            return (null, e.Message);
        }
    });

    /// <summary>Why the tests are skipped, or null when they run.</summary>
    public static string? SkipReason => Required || Probe.Value.Backend is not null ? null : $"no OpenCL device: {Probe.Value.Problem}";

    /// <summary>The opened device; fails the calling test, saying why, when there is none.</summary>
    public static IBackend Backend => Probe.Value.Backend
        ?? throw new Xunit.Sdk.XunitException($"{RequireVariable}=1 but no OpenCL device: {Probe.Value.Problem}");
}

/// <summary>A fact that needs an OpenCL device (see <see cref="OpenCLRuntime"/>).</summary>
public sealed class OpenCLFactAttribute : FactAttribute
{
    public OpenCLFactAttribute() => Skip = OpenCLRuntime.SkipReason;
}

/// <summary>A theory that needs an OpenCL device (see <see cref="OpenCLRuntime"/>).</summary>
public sealed class OpenCLTheoryAttribute : TheoryAttribute
{
    public OpenCLTheoryAttribute() => Skip = OpenCLRuntime.SkipReason;
}

/// <summary>The OpenCL tests share one device: one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class OpenCLCollection
{
    public const string Name = "OpenCL device";
}
